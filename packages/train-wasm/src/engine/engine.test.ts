import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { UnsupportedModelError, WasmTrainer, type OptimizerSpec } from '../index.js'

type Sym = tfl.SymbolicTensor
const seeded = (seed: number) => tfl.initializers.glorotNormal({ seed })
const call = (layer: tfl.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym

/** Small models with every layer kind the engine trains. */
const models: Record<string, () => tfl.LayersModel> = {
  'conv net (LeNet-style: bias, relu, same and valid, max pooling, flatten, dense)': () =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [9, 9, 1], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: seeded(1) }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.reLU({ maxValue: 0.5 }), // clips: the inputs run to 4
        tfl.layers.conv2d({ filters: 5, kernelSize: 2, padding: 'valid', activation: 'relu', kernelInitializer: seeded(2) }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 7, activation: 'relu', kernelInitializer: seeded(3) }),
        tfl.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: seeded(4) }),
      ],
    }),
  'inverted residual (stride 2, BatchNorm, ReLU 6, depthwise, 1x1, Add, global pooling)': () => {
    const input = tfl.input({ shape: [8, 8, 2] })
    let x = call(tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: seeded(5) }), input)
    x = call(tfl.layers.reLU({ maxValue: 1 }), call(tfl.layers.batchNormalization({ momentum: 0.9 }), x)) // clips
    let y = call(tfl.layers.conv2d({ filters: 12, kernelSize: 1, useBias: false, kernelInitializer: seeded(6) }), x)
    y = call(tfl.layers.activation({ activation: 'relu6' }), call(tfl.layers.batchNormalization(), y))
    y = call(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: seeded(7) }), y)
    y = call(tfl.layers.reLU({ maxValue: 6 }), call(tfl.layers.batchNormalization({ momentum: 0.9 }), y))
    y = call(tfl.layers.batchNormalization({ momentum: 0.9 }), call(tfl.layers.conv2d({ filters: 6, kernelSize: 1, useBias: false, kernelInitializer: seeded(8) }), y))
    x = call(tfl.layers.add(), [x, y])
    x = call(tfl.layers.globalAveragePooling2d({}), x)
    return tfl.model({ inputs: input, outputs: call(tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(9) }), x) })
  },
  'MLP (flat input reshaped, dense relu, separate softmax activation)': () =>
    tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [6], units: 9, activation: 'relu', kernelInitializer: seeded(10) }),
        tfl.layers.dense({ units: 5, kernelInitializer: seeded(11) }),
        tfl.layers.activation({ activation: 'softmax' }),
      ],
    }),
}

const optimizers: Record<string, [OptimizerSpec, () => tf.Optimizer]> = {
  adam: [{ kind: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }, () => tf.train.adam(0.01)],
  momentum: [{ kind: 'momentum', learningRate: 0.05, momentum: 0.9 }, () => tf.train.momentum(0.05, 0.9)],
  sgd: [{ kind: 'sgd', learningRate: 0.1 }, () => tf.train.sgd(0.1)],
}

/** prunekit's multiclass loss (core's taskLoss): clipped categorical cross-entropy, batch mean. */
const loss = (y: tf.Tensor, p: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar

function batches(model: tfl.LayersModel, sizes: number[]) {
  const shape = model.inputs[0].shape.slice(1) as number[]
  const classes = model.outputs[0].shape[1] as number
  return sizes.map((n, i) => {
    const x = tf.randomUniform([n, ...shape], -1, 4, 'float32', 100 + i)
    const y = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, r) => (r * 7 + i) % classes), 'int32'), classes), 'float32')
    return { x, y, n }
  })
}

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, what: string) => {
  let worst = 0
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1e-3 + Math.abs(expected[i])))
  if (process.env.WORST) console.log(what, worst.toExponential(2))
  expect(worst, what).toBeLessThan(2e-3)
}

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('WasmTrainer', () => {
  it.each(Object.keys(models).flatMap((m) => Object.keys(optimizers).map((o) => [m, o])))('trains %s with %s as tfjs does', (name, optimizerName) => {
    const [spec, makeOptimizer] = optimizers[optimizerName]
    const reference = models[name]()
    const ours = models[name]()
    ours.setWeights(reference.getWeights())
    const data = batches(reference, [5, 5, 3])
    const optimizer = makeOptimizer()
    const expected = data.map(({ x, y }) => {
      const cost = optimizer.minimize(() => loss(y, reference.apply(x, { training: true }) as tf.Tensor), true, reference.trainableWeights.map((w) => w.read() as tf.Variable))!
      const value = cost.dataSync()[0]
      cost.dispose()
      return value
    })
    const before = tf.memory().numTensors
    const engine = WasmTrainer.compile(ours, { batchSize: 5, optimizer: spec })
    const losses = data.map(({ x, y, n }) => engine.step(x.dataSync() as Float32Array, 1, y.dataSync() as Float32Array, n))
    engine.push()
    expect(tf.memory().numTensors).toBe(before)
    close(losses, expected, 'losses')
    reference.weights.forEach((w, i) => close(ours.weights[i].read().dataSync(), w.read().dataSync(), w.name))
    tf.dispose(data.flatMap(({ x, y }) => [x, y]))
    optimizer.dispose()
    reference.dispose()
    ours.dispose()
  })

  it.each(Object.keys(models))('trains %s on two threads as tfjs does, the same numbers every run', (name) => {
    const reference = models[name]()
    const data = batches(reference, [5, 5, 3, 1])
    const optimizer = optimizers.adam[1]()
    const expected = data.map(({ x, y }) => {
      const cost = optimizer.minimize(() => loss(y, reference.apply(x, { training: true }) as tf.Tensor), true, reference.trainableWeights.map((w) => w.read() as tf.Variable))!
      const value = cost.dataSync()[0]
      cost.dispose()
      return value
    })
    const runs = [models[name](), models[name]()] // seeded: the reference's starting weights
    const trained = runs.map((ours) => {
      const engine = WasmTrainer.compile(ours, { batchSize: 5, optimizer: optimizers.adam[0], threads: 2 })
      const losses = data.map(({ x, y, n }) => engine.step(x.dataSync() as Float32Array, 1, y.dataSync() as Float32Array, n))
      engine.push()
      engine.dispose()
      return { losses, weights: ours.weights.map((w) => Array.from(w.read().dataSync())) }
    })
    expect(trained[1]).toEqual(trained[0])
    close(trained[0].losses, expected, 'losses')
    reference.weights.forEach((w, i) => close(trained[0].weights[i], w.read().dataSync(), w.name))
    tf.dispose(data.flatMap(({ x, y }) => [x, y]))
    optimizer.dispose()
    for (const model of [reference, ...runs]) model.dispose()
  })

  it('holds masked weights at zero and reads bytes scaled to floats', () => {
    const model = models['MLP (flat input reshaped, dense relu, separate softmax activation)']()
    const engine = WasmTrainer.compile(model, { batchSize: 4, optimizer: optimizers.adam[0] })
    const kernel = engine.trainable[0]
    const mask = Float32Array.from({ length: kernel.size }, (_, i) => i % 3 ? 1 : 0)
    engine.setMask(kernel, mask)
    const x = Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256)
    const y = Float32Array.from({ length: 20 }, (_, i) => (i % 5 === i % 4 ? 1 : 0))
    for (let s = 0; s < 3; s++) expect(Number.isFinite(engine.step(x, 1 / 255, y, 4))).toBe(true)
    engine.push()
    const trained = model.getWeights()[0].dataSync()
    mask.forEach((m, i) => {
      if (!m) expect(trained[i] === 0).toBe(true)
    })
    expect(Array.from(trained).filter((v, i) => mask[i] && v !== 0).length).toBe(mask.filter((m) => m).length)
    model.dispose()
  })

  it('refuses a model whose batch would not fit in WebAssembly memory, saying how much it needs', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4096], units: 4096, name: 'wide' }), tfl.layers.dense({ units: 2, activation: 'softmax' })] })
    expect(() => WasmTrainer.compile(model, { batchSize: 200_000, optimizer: optimizers.sgd[0] })).toThrow(/the engine would hold [\d.]+ GiB for batches of 200000/)
    model.dispose()
  })

  it.each([
    ['a LeakyReLU', () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4 }), tfl.layers.leakyReLU({ name: 'leaky' }), tfl.layers.dense({ units: 2, activation: 'softmax' })] }), /layer "leaky" is a LeakyReLU/],
    ['Dropout 0.5', () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4 }), tfl.layers.dropout({ rate: 0.5, name: 'drop' }), tfl.layers.dense({ units: 2, activation: 'softmax' })] }), /layer "drop": Dropout with rate 0.5/],
    ['a sigmoid output', () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 1, activation: 'sigmoid', name: 'out' })] }), /layer "out": activation sigmoid/],
    ['a linear output', () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] }), /not a softmax/],
  ])('refuses %s, naming the layer', (_, make, message) => {
    const model = make()
    expect(() => WasmTrainer.compile(model, { batchSize: 2, optimizer: optimizers.sgd[0] })).toThrow(UnsupportedModelError)
    expect(() => WasmTrainer.compile(model, { batchSize: 2, optimizer: optimizers.sgd[0] })).toThrow(message)
    model.dispose()
  })
})
