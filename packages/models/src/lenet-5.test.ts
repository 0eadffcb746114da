import { createRng, ModelError, setupBackend } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { lenet5Model } from './lenet-5.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

const build = async (inputShape: number[]) => lenet5Model.build({}, { inputShape, numClasses: 10, task: 'multiclass', rng: createRng(1) })

describe('lenet-5', () => {
  it.each([
    [[28, 28, 1], false],
    [[784], true],
    [[28, 28], true],
  ])('builds from input shape %j (reshape first: %s)', async (inputShape, reshaped) => {
    const model = await build(inputShape)
    expect(model.layers[0].name === 'reshape').toBe(reshaped)
    expect(model.getLayer('conv_1').outputShape).toEqual([null, 28, 28, 6])
    expect(model.getLayer('pool_2').outputShape).toEqual([null, 5, 5, 16])
    model.dispose()
  })

  it.each([[[100]], [[10, 10, 1]], [[28, 28, 3]]])('refuses input shape %j with a ModelError that says what fits', async (inputShape) => {
    await expect(build(inputShape)).rejects.toThrow(ModelError)
    await expect(build(inputShape)).rejects.toThrow(/needs 28 x 28 x 1 inputs \(784 values\).*mlp or lenet-300-100/)
  })

  it('takes no options', () => {
    expect(lenet5Model.options.safeParse({}).success).toBe(true)
    expect(lenet5Model.options.safeParse({ filters: 8 }).success).toBe(false)
  })
})
