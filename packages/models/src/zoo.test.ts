import * as tf from '@tensorflow/tfjs-core'
import type { LayersModel } from '@tensorflow/tfjs-layers'
import { createRng, ModelError, setupBackend, type ModelContext, type ModelFactory, type Task } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { builtinModels, type BuiltinModel } from './plugin.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

async function build(name: BuiltinModel, options: object, inputShape: number[], numClasses = 10, task: Task = 'multiclass', seed = 1): Promise<LayersModel> {
  const factory: ModelFactory<unknown> = builtinModels[name]
  const ctx: ModelContext = { inputShape, numClasses, task, rng: createRng(seed) }
  return factory.build(factory.options.parse(options), ctx)
}

const weightsOf = (model: LayersModel): number[][] => model.getWeights().map((w) => Array.from(w.dataSync()))

// Parameter counts by hand: (inputs + 1) * units per Dense, (k*k*channels + 1) * filters per Conv2D.
const cases: Array<[BuiltinModel, object, number[], number, Task, number, string[]]> = [
  // 784*64+64 + 64*32+32 + 32*10+10
  ['mlp', {}, [784], 10, 'multiclass', 52650, ['dense_1', 'dense_2', 'output']],
  ['mlp', {}, [28, 28, 1], 10, 'multiclass', 52650, ['flatten', 'dense_1', 'dense_2', 'output']],
  // 784*64 + 64*32 + 32*10
  ['mlp', { useBias: false }, [784], 10, 'multiclass', 52544, ['dense_1', 'dense_2', 'output']],
  // 4*8+8 + 8*3+3
  ['mlp', { units: [8], activation: 'tanh' }, [4], 3, 'multiclass', 67, ['dense_1', 'output']],
  // 5*64+64 + 64*32+32 + 32*2+2
  ['mlp', {}, [5], 2, 'regression', 2530, ['dense_1', 'dense_2', 'output']],
  // 20*64+64 + 64*32+32 + 32*1+1
  ['seed-mlp', {}, [20], 2, 'binary', 3457, ['dense_1', 'dense_2', 'output']],
  // 784*300+300 + 300*100+100 + 100*10+10
  ['lenet-300-100', {}, [784], 10, 'multiclass', 266610, ['dense_1', 'dense_2', 'output']],
  ['lenet-300-100', {}, [28, 28, 1], 10, 'multiclass', 266610, ['flatten', 'dense_1', 'dense_2', 'output']],
  // conv_1 5*5*1*6+6=156, conv_2 5*5*6*16+16=2416, dense_1 400*120+120=48120, dense_2 120*84+84=10164, output 84*10+10=850
  ['lenet-5', {}, [28, 28, 1], 10, 'multiclass', 61706, ['conv_1', 'pool_1', 'conv_2', 'pool_2', 'flatten', 'dense_1', 'dense_2', 'output']],
  ['lenet-5', {}, [784], 10, 'multiclass', 61706, ['reshape', 'conv_1', 'pool_1', 'conv_2', 'pool_2', 'flatten', 'dense_1', 'dense_2', 'output']],
]

describe('the model zoo', () => {
  it.each(cases)('%s %j on %j (%i classes, %s) has %i parameters and layers %j', async (name, options, inputShape, numClasses, task, params, layers) => {
    const model = await build(name, options, inputShape, numClasses, task)
    expect(model.countParams()).toBe(params)
    expect(model.layers.map((l) => l.name)).toEqual(layers)
    model.dispose()
  })

  it.each(cases)('%s %j on %j maps a batch of 3 to one output row each', async (name, options, inputShape, numClasses, task) => {
    const model = await build(name, options, inputShape, numClasses, task)
    const shape = tf.tidy(() => (model.predict(tf.randomUniform([3, ...inputShape], 0, 1, 'float32', 5)) as tf.Tensor).shape)
    expect(shape).toEqual([3, task === 'binary' ? 1 : numClasses])
    model.dispose()
  })

  it.each(Object.keys(builtinModels) as BuiltinModel[])('%s gives identical weights and layer names for the same seed', async (name) => {
    const [a, b] = [await build(name, {}, [784], 10, 'multiclass', 3), await build(name, {}, [784], 10, 'multiclass', 3)]
    expect(b.layers.map((l) => l.name)).toEqual(a.layers.map((l) => l.name))
    expect(b.weights.map((w) => w.originalName)).toEqual(a.weights.map((w) => w.originalName))
    expect(weightsOf(b)).toEqual(weightsOf(a))
    a.dispose()
    b.dispose()
  })

  it.each(Object.keys(builtinModels) as BuiltinModel[])('%s draws different kernels for a different seed', async (name) => {
    const [a, b] = [await build(name, {}, [784], 10, 'multiclass', 3), await build(name, {}, [784], 10, 'multiclass', 4)]
    const kernels = (model: LayersModel) => model.layers.filter((l) => l.getWeights().length > 0).map((l) => Array.from(l.getWeights()[0].dataSync()))
    const [ka, kb] = [kernels(a), kernels(b)]
    ka.forEach((kernel, i) => expect(kb[i]).not.toEqual(kernel))
    a.dispose()
    b.dispose()
  })

  it.each([
    ['multiclass', 4, 4, 'softmax'],
    ['binary', 2, 1, 'sigmoid'],
    ['regression', 3, 3, 'linear'],
  ] as const)('ends a %s model (numClasses %i) in %i %s output units', async (task, numClasses, units, activation) => {
    const model = await build('mlp', { units: [4] }, [6], numClasses, task)
    const config = model.getLayer('output').getConfig()
    expect(config.units).toBe(units)
    expect(config.activation).toBe(activation)
    model.dispose()
  })

  it.each(Object.keys(builtinModels) as BuiltinModel[])('%s frees every tensor on dispose', async (name) => {
    const before = tf.memory().numTensors
    const model = await build(name, {}, [784])
    tf.tidy(() => {
      model.predict(tf.zeros([2, 784]))
    })
    model.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it.each([
    [[], 10, 'multiclass', /input shape \[\] must list/],
    [[0, 4], 10, 'multiclass', /positive integers/],
    [[784], 1, 'multiclass', /numClasses >= 2/],
  ] as const)('refuses input shape %j with %i classes (%s)', async (inputShape, numClasses, task, message) => {
    for (const name of Object.keys(builtinModels) as BuiltinModel[]) {
      const built = build(name, {}, [...inputShape], numClasses, task)
      await expect(built).rejects.toBeInstanceOf(ModelError)
      await expect(built).rejects.toThrow(message)
    }
  })
})
