import { createRng, setupBackend } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { seedMlpModel, seedMlpOptions } from './seed-mlp.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('seed-mlp', () => {
  it('is exactly three Dense layers: 64 relu, 32 relu, one sigmoid unit for binary data', async () => {
    const model = await seedMlpModel.build(seedMlpOptions.parse({}), { inputShape: [20], numClasses: 2, task: 'binary', rng: createRng(42) })
    const layers = model.layers.map((l) => [l.getClassName(), l.name, l.getConfig().units, l.getConfig().activation])
    expect(layers).toEqual([
      ['Dense', 'dense_1', 64, 'relu'],
      ['Dense', 'dense_2', 32, 'relu'],
      ['Dense', 'output', 1, 'sigmoid'],
    ])
    model.dispose()
  })

  it('takes other hidden widths but always two hidden layers', () => {
    expect(seedMlpOptions.parse({ hidden: [16, 8] }).hidden).toEqual([16, 8])
    expect(seedMlpOptions.safeParse({ hidden: [16, 8, 4] }).success).toBe(false)
    expect(seedMlpOptions.safeParse({ hidden: [16] }).success).toBe(false)
  })
})
