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

function randomise(model: tfl.LayersModel): void {
  const rng = createRng(11)
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
    const [gap, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(want, got))).dataSync()[0], tf.max(tf.abs(want)).dataSync()[0]])
    expect(gap).toBeLessThan(1e-5 * Math.max(1, scale))
    tf.dispose([x, want, got])
    model.dispose()
    folded.dispose()
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })
})
