import { PrunableModel, setupBackend, type Dataset, type SnapshotContext } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { flopsMetric } from './flops.js'
import { readFlops } from './readers.js'

const L = tfl.layers

function context(model: PrunableModel): SnapshotContext {
  return { label: 'flops', model, data: undefined as unknown as Dataset, history: [], evaluation: () => Promise.reject(new Error('not needed')) }
}

async function flopsOf(model: tfl.LayersModel, masks?: (m: PrunableModel) => void) {
  const prunable = new PrunableModel(model)
  masks?.(prunable)
  try {
    return readFlops({ metrics: { flops: await flopsMetric.compute(context(prunable)) } })!
  } finally {
    prunable.dispose()
  }
}

const cnn = (filters: number, units: number) =>
  tfl.sequential({
    layers: [
      L.conv2d({ name: 'conv', inputShape: [8, 8, 3], filters, kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
      L.batchNormalization({ name: 'bn' }),
      L.depthwiseConv2d({ name: 'dw', kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
      L.maxPooling2d({ name: 'pool', poolSize: 2 }),
      L.flatten({ name: 'flatten' }),
      L.dense({ name: 'dense', units }),
      L.dense({ name: 'output', units: 3 }),
    ],
  })

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('flops metric', () => {
  it('counts one multiply-accumulate per kernel entry per output position, by hand', async () => {
    const flops = await flopsOf(cnn(8, 10))
    // conv: 4x4 outputs x (3*3*3*8); dw: 4x4 x (3*3*8*2); dense: (2*2*16)*10; output: 10*3
    const expected = [
      ['conv', 16 * 216],
      ['dw', 16 * 144],
      ['dense', 640],
      ['output', 30],
    ]
    expect(flops.layers.map((l) => [l.name, l.macs])).toEqual(expected)
    expect(flops.macs).toBe(16 * 216 + 16 * 144 + 640 + 30)
    expect(flops.effectiveMacs).toBe(flops.macs)
  })

  it('counts a structurally smaller model as really smaller', async () => {
    const [dense, halved] = [await flopsOf(cnn(8, 10)), await flopsOf(cnn(4, 10))]
    // conv and dw halve with the filters; dense reads half the flattened channels
    expect(halved.layers.map((l) => l.macs)).toEqual([16 * 108, 16 * 72, 320, 30])
    expect(halved.macs / dense.macs).toBeCloseTo((16 * 108 + 16 * 72 + 320 + 30) / (16 * 216 + 16 * 144 + 640 + 30), 12)
  })

  it('counts only nonzero kernel entries as effective after unstructured masks', async () => {
    const flops = await flopsOf(cnn(8, 10), (m) => {
      const dense = m.weights().find((r) => r.key === 'dense/kernel')!
      m.masks.setValues(dense.key, Float32Array.from({ length: dense.size }, (_, i) => i % 4), dense.shape) // a quarter pruned
      m.applyMasks()
    })
    expect(flops.layers.find((l) => l.name === 'dense')).toEqual({ name: 'dense', type: 'Dense', macs: 640, effectiveMacs: 480 })
    expect(flops.macs - flops.effectiveMacs).toBe(160)
  })

  it('counts recurrent kernels once per time step and embeddings as lookups', async () => {
    const flops = await flopsOf(
      tfl.sequential({
        layers: [L.embedding({ name: 'embed', inputDim: 20, outputDim: 4, inputLength: 5 }), L.simpleRNN({ name: 'rnn', units: 6, recurrentInitializer: 'glorotUniform' }), L.dense({ name: 'output', units: 2 })],
      }),
    )
    expect(flops.layers.map((l) => [l.name, l.macs])).toEqual([
      ['embed', 0],
      ['rnn', 5 * (4 * 6 + 6 * 6)],
      ['output', 12],
    ])
  })

  it('allocates no tensors', async () => {
    const model = cnn(4, 4)
    const before = tf.memory().numTensors
    await flopsOf(model)
    expect(tf.memory().numTensors).toBe(before - model.weights.length)
  })
})
