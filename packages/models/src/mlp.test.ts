import { createRng, setupBackend } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { mlpModel, mlpOptions } from './mlp.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('mlp', () => {
  it('defaults to two relu layers of 64 and 32 units with biases', () => {
    expect(mlpOptions.parse({})).toEqual({ units: [64, 32], activation: 'relu', activations: [], useBias: true })
  })

  it('uses one activation per hidden layer when activations is given', async () => {
    const options = mlpOptions.parse({ units: [16, 8, 4], activation: 'relu', activations: ['tanh', 'elu', 'linear'] })
    const model = await mlpModel.build(options, { inputShape: [10], numClasses: 3, task: 'multiclass', rng: createRng(1) })
    expect(model.layers.map((l) => l.getConfig().activation)).toEqual(['tanh', 'elu', 'linear', 'softmax'])
    model.dispose()
  })

  it('builds a linear model when units is empty', async () => {
    const model = await mlpModel.build(mlpOptions.parse({ units: [] }), { inputShape: [10], numClasses: 3, task: 'multiclass', rng: createRng(1) })
    expect(model.layers.map((l) => l.name)).toEqual(['output'])
    expect(model.countParams()).toBe(10 * 3 + 3)
    model.dispose()
  })

  it.each([
    [{ units: [64, 32], activations: ['tanh'] }, 'activations', /has 1 entries but units has 2/],
    [{ units: [64], activations: ['relu', 'relu'] }, 'activations', /one activation per hidden layer/],
    [{ activation: 'gelu' }, 'activation', /relu/],
    [{ activations: ['relu', 'swish'] }, 'activations.1', /relu/],
    [{ units: [64, 0] }, 'units.1', /0/],
    [{ units: [2.5] }, 'units.0', /int/],
    [{ layers: [64] }, '', /layers/],
  ])('rejects %j at %s', (options, path, message) => {
    const result = mlpOptions.safeParse(options)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0].path.join('.')).toBe(path)
    expect(result.error?.issues[0].message).toMatch(message)
  })
})
