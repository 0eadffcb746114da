import { createRng, setupBackend } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { foldBatchNorm } from './fold-batchnorm.js'

const L = tfl.layers
type T = tfl.SymbolicTensor
const call = (layer: tfl.layers.Layer, x: T | T[]): T => layer.apply(x) as T

const cases: Array<[string, number[], () => tfl.LayersModel, string[]]> = [
  [
    'Conv2D, Dense and biasless layers in a Sequential model',
    [6, 6, 2],
    () =>
      tfl.sequential({
        layers: [
          L.conv2d({ name: 'conv_1', inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
          L.batchNormalization({ name: 'bn_1' }),
          L.activation({ name: 'relu_1', activation: 'relu' }),
          L.conv2d({ name: 'conv_2', filters: 5, kernelSize: 3 }),
          L.batchNormalization({ name: 'bn_2', center: false }),
          L.flatten({ name: 'flatten' }),
          L.dense({ name: 'dense', units: 6 }),
          L.batchNormalization({ name: 'bn_3', scale: false }),
          L.dense({ name: 'output', units: 3 }),
        ],
      }),
    ['bn_1', 'bn_2', 'bn_3'],
  ],
  [
    'a DepthwiseConv2D with depth multiplier 2, and a BatchNorm after an activation that stays',
    [5, 5, 3],
    () =>
      tfl.sequential({
        layers: [
          L.depthwiseConv2d({ name: 'dw', inputShape: [5, 5, 3], kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
          L.batchNormalization({ name: 'bn_dw' }),
          L.conv2d({ name: 'conv', filters: 4, kernelSize: 1, activation: 'relu' }),
          L.batchNormalization({ name: 'bn_after_relu' }),
          L.globalAveragePooling2d({ name: 'gap' }),
          L.dense({ name: 'output', units: 2 }),
        ],
      }),
    ['bn_dw'],
  ],
  [
    'a residual block: BatchNorms before the Add fold, one whose conv output is read twice stays',
    [6, 6, 2],
    () => {
      const input = tfl.input({ name: 'input', shape: [6, 6, 2] })
      const stemConv = call(L.conv2d({ name: 'stem', filters: 4, kernelSize: 3, padding: 'same', useBias: false }), input)
      const stem = call(L.activation({ name: 'stem_relu', activation: 'relu' }), call(L.batchNormalization({ name: 'stem_bn' }), stemConv))
      const a = call(L.batchNormalization({ name: 'a_bn' }), call(L.conv2d({ name: 'a_conv', filters: 4, kernelSize: 3, padding: 'same' }), stem))
      const shared = call(L.conv2d({ name: 'shared', filters: 4, kernelSize: 1 }), stem)
      const b = call(L.batchNormalization({ name: 'b_bn' }), shared)
      const sum = call(L.add({ name: 'add' }), [a, b, shared])
      const out = call(L.batchNormalization({ name: 'out_bn' }), call(L.dense({ name: 'output', units: 3 }), call(L.flatten({ name: 'flatten' }), sum)))
      return tfl.model({ inputs: input, outputs: out })
    },
    ['stem_bn', 'a_bn', 'out_bn'],
  ],
]

interface Case {
  name: string
  inputShape: number[]
  build: () => tfl.LayersModel
  /** `norm into producer` and `activation into producer as fn`. */
  folds: string[]
  layers: [number, number]
}

const fusions: Case[] = [
  {
    name: 'conv -> BatchNorm -> relu Activation, in a Sequential model',
    inputShape: [6, 6, 2],
    build: () =>
      tfl.sequential({
        layers: [
          L.conv2d({ name: 'conv_1', inputShape: [6, 6, 2], filters: 4, kernelSize: 3, padding: 'same', useBias: false }),
          L.batchNormalization({ name: 'bn_1' }),
          L.activation({ name: 'relu_1', activation: 'relu' }),
          L.conv2d({ name: 'conv_2', filters: 5, kernelSize: 3, strides: 2 }),
          L.batchNormalization({ name: 'bn_2' }),
          L.reLU({ name: 'relu6_2', maxValue: 6 }),
          L.flatten({ name: 'flatten' }),
          L.dense({ name: 'output', units: 3 }),
        ],
      }),
    folds: ['bn_1 into conv_1', 'bn_2 into conv_2', 'relu_1 into conv_1 as relu', 'relu6_2 into conv_2 as relu6'],
    layers: [8, 4],
  },
  {
    name: 'Dense -> Activation, the last one a model output; a second Activation in a row stays',
    inputShape: [7],
    build: () =>
      tfl.sequential({
        layers: [
          L.dense({ name: 'dense_1', inputShape: [7], units: 6 }),
          L.activation({ name: 'tanh_1', activation: 'tanh' }),
          L.activation({ name: 'relu_1', activation: 'relu' }),
          L.dense({ name: 'output', units: 3 }),
          L.activation({ name: 'softmax', activation: 'softmax' }),
        ],
      }),
    folds: ['tanh_1 into dense_1 as tanh', 'softmax into output as softmax'],
    layers: [5, 3],
  },
  {
    name: 'a functional model: a conv read twice and a shared activation keep theirs',
    inputShape: [5, 5, 3],
    build: () => {
      const input = tfl.input({ name: 'input', shape: [5, 5, 3] })
      const dw = call(L.activation({ name: 'dw_elu', activation: 'elu' }), call(L.batchNormalization({ name: 'dw_bn' }), call(L.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }), input)))
      const shared = call(L.conv2d({ name: 'shared', filters: 6, kernelSize: 1 }), dw)
      const sum = call(L.add({ name: 'add' }), [call(L.activation({ name: 'shared_relu', activation: 'relu' }), shared), shared])
      const relu = L.activation({ name: 'twice', activation: 'relu' })
      const a = call(relu, call(L.conv2d({ name: 'a', filters: 6, kernelSize: 1 }), sum))
      const b = call(relu, call(L.conv2d({ name: 'b', filters: 6, kernelSize: 1 }), sum))
      const out = call(L.dense({ name: 'output', units: 2 }), call(L.globalAveragePooling2d({ name: 'gap' }), call(L.add({ name: 'add_2' }), [a, b])))
      return tfl.model({ inputs: input, outputs: out })
    },
    folds: ['dw_bn into dw', 'dw_elu into dw as elu'],
    layers: [13, 11],
  },
]

function randomise(model: tfl.LayersModel, seed = 11): void {
  const rng = createRng(seed)
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const kind = w.originalName.split('/').pop()!
      const [low, high] = kind === 'moving_variance' ? [0.5, 2] : kind === 'gamma' ? [0.5, 1.5] : [-0.6, 0.6]
      const size = w.shape.reduce<number>((a, d) => a * (d ?? 1), 1)
      return tf.tensor(Float32Array.from({ length: size }, () => low + (high - low) * rng.next()), w.shape as number[])
    })
    layer.setWeights(values)
    tf.dispose(values)
  }
}

/** The largest difference is within 1e-5 of the largest output (or of 1). */
function expectClose(want: tf.Tensor, got: tf.Tensor): void {
  const [gap, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(want, got))).dataSync()[0], tf.max(tf.abs(want)).dataSync()[0]])
  expect(gap).toBeLessThan(1e-5 * Math.max(1, scale))
}

beforeAll(async () => {
  await setupBackend('wasm')
})

describe('foldBatchNorm', () => {
  it.each(cases)('folds %s, computing the same at inference', async (_, inputShape, build, foldedNorms) => {
    const tensorsBefore = tf.memory().numTensors
    const model = build()
    randomise(model)
    const { model: folded, folded: folds } = await foldBatchNorm(model)
    expect(folds.map((f) => f.norm)).toEqual(foldedNorms)
    for (const norm of foldedNorms) expect(folded.layers.map((l) => l.name)).not.toContain(norm)
    const x = tf.randomNormal([4, ...inputShape], 0, 1, 'float32', 2)
    const [want, got] = [model.predict(x), folded.predict(x)] as tf.Tensor[]
    expectClose(want, got)
    tf.dispose([x, want, got])
    model.dispose()
    folded.dispose()
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })
})

describe('foldBatchNorm with activation fusion', () => {
  it.each(fusions)('fuses $name, computing the same at inference with fewer layers', async ({ inputShape, build, folds, layers }) => {
    const tensorsBefore = tf.memory().numTensors
    const model = build()
    randomise(model, 7)
    const result = await foldBatchNorm(model)
    const described = [...result.folded.map((f) => `${f.norm} into ${f.producer}`), ...result.fused.map((f) => `${f.activation} into ${f.producer} as ${f.fn}`)]
    expect(described).toEqual(folds)
    expect([model.layers.length, result.model.layers.length]).toEqual(layers)
    for (const f of result.fused) expect(result.model.getLayer(f.producer).getConfig().activation).toBe(f.fn)
    const x = tf.randomNormal([4, ...inputShape], 0, 2, 'float32', 3)
    const [want, got] = [model.predict(x), result.model.predict(x)] as tf.Tensor[]
    expectClose(want, got)
    tf.dispose([x, want, got])
    model.dispose()
    result.model.dispose()
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it('leaves the activation layers alone with activations: false', async () => {
    const model = fusions[0].build()
    const result = await foldBatchNorm(model, { activations: false })
    expect(result.fused).toEqual([])
    expect(result.model.layers.map((l) => l.name)).toEqual(['conv_1', 'relu_1', 'conv_2', 'relu6_2', 'flatten', 'output'])
    model.dispose()
    result.model.dispose()
  })
})
