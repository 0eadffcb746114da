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

const resnetLayers = [
  ...['input', 'stem_conv', 'stem_bn', 'stem_relu'],
  ...['b1_conv_1', 'b1_bn_1', 'b1_relu_1', 'b1_conv_2', 'b1_bn_2', 'b1_add', 'b1_relu'],
  ...['b2_conv_1', 'b2_bn_1', 'b2_relu_1', 'b2_conv_2', 'b2_proj', 'b2_bn_2', 'b2_proj_bn', 'b2_add', 'b2_relu'],
  ...['flatten', 'output'],
]

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
  // conv_1 3*3*1*16=144, bn_1 4*16=64 (gamma, beta, moving mean and variance), conv_2 3*3*16*32=4608, bn_2 128,
  // dense_1 (7*7*32)*64+64=100416, output 64*10+10=650
  ['cnn-small', {}, [28, 28, 1], 10, 'multiclass', 106010, ['conv_1', 'bn_1', 'relu_1', 'conv_2', 'bn_2', 'relu_2', 'pool', 'flatten', 'dense_1', 'output']],
  ['cnn-small', {}, [784], 10, 'multiclass', 106010, ['reshape', 'conv_1', 'bn_1', 'relu_1', 'conv_2', 'bn_2', 'relu_2', 'pool', 'flatten', 'dense_1', 'output']],
  // 16x16x3 -> conv_1 (stride 2) 8x8x8 -> conv_2, conv_3 8x8x8 -> pool 4x4x8 -> one sigmoid unit
  ['cnn-small', { filters: [8, 8, 8], units: 0 }, [16, 16, 3], 2, 'binary', 3 * 3 * 3 * 8 + 32 + 2 * (3 * 3 * 8 * 8 + 32) + 4 * 4 * 8 + 1, ['conv_1', 'bn_1', 'relu_1', 'conv_2', 'bn_2', 'relu_2', 'conv_3', 'bn_3', 'relu_3', 'pool', 'flatten', 'output']],
  // stem 144+64, b1 two 3*3*16*16=2304 convs + 64 each, b2_conv_1 3*3*16*32=4608+128, b2_conv_2 3*3*32*32=9216+128,
  // b2_proj 1*1*16*32=512+128, output (7*7*32)*10+10=15690
  ['resnet-mini', {}, [28, 28, 1], 10, 'multiclass', 35354, resnetLayers],
  ['resnet-mini', {}, [784], 10, 'multiclass', 35354, ['input', 'reshape', ...resnetLayers.slice(1)]],
  // stem 3*3*1*4+16, b1 2*(3*3*4*4+16), output (14*14*4)*3+3
  ['resnet-mini', { filters: [4] }, [28, 28, 1], 3, 'multiclass', 36 + 16 + 2 * (144 + 16) + 784 * 3 + 3, resnetLayers.slice(0, 11).concat(['flatten', 'output'])],
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
    // Kernels only: a BatchNorm's gamma starts at ones whatever the seed.
    const kernels = (model: LayersModel) => model.layers.flatMap((l) => l.getWeights().filter((w) => w.rank >= 2).map((w) => Array.from(w.dataSync())))
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
