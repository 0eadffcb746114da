import { PrunableModel, setupBackend, type Dataset, type SnapshotContext } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLatencyMetric, latencyMetric, measureLatency, median } from './latency.js'
import { readLatency } from './readers.js'

let model: PrunableModel

beforeAll(async () => {
  await setupBackend('cpu')
  model = new PrunableModel(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [6], units: 4, activation: 'relu' }), tfl.layers.dense({ units: 2 })] }))
})

afterAll(() => model.dispose())

const context = (m: PrunableModel): SnapshotContext => ({ label: 'latency', model: m, data: undefined as unknown as Dataset, history: [], evaluation: () => Promise.reject(new Error('not needed')) })

// Times vary from run to run: these tests check what is measured, never how long it took.
describe('latency metric', () => {
  it('is opt-in, so evaluate steps measure it only when they name it', () => {
    expect(latencyMetric.optIn).toBe(true)
    expect(latencyMetric.description).toMatch(/batch 1 and 256/)
  })

  it('reports the median of the timed runs at each batch size on the current backend, without leaking tensors', async () => {
    const before = tf.memory().numTensors
    const value = await createLatencyMetric({ batches: [1, 8], warmup: 1, runs: 3 }).compute(context(model))
    expect(tf.memory().numTensors).toBe(before)
    const latency = readLatency({ metrics: { latency: value } })!
    expect(latency).toMatchObject({ backend: 'cpu', warmup: 1, runs: 3 })
    expect(latency.batches.map((b) => b.batch)).toEqual([1, 8])
    for (const point of latency.batches) {
      expect(point.medianMs).toBeGreaterThanOrEqual(0)
      expect(point.samplesPerSecond).toBe(point.medianMs > 0 ? (point.batch * 1000) / point.medianMs : 0)
    }
  })

  it('runs the model warmup + runs times per batch size', async () => {
    const calls: number[] = []
    const counting = new PrunableModel(model.model)
    const apply = model.model.apply.bind(model.model)
    counting.model.apply = ((inputs: tf.Tensor, kwargs?: object) => {
      calls.push(inputs.shape[0])
      return apply(inputs, kwargs)
    }) as typeof model.model.apply
    try {
      await measureLatency(counting, 5, { warmup: 2, runs: 4 })
    } finally {
      delete (counting.model as Partial<tfl.LayersModel>).apply
    }
    expect(calls).toEqual([5, 5, 5, 5, 5, 5])
  })

  it.each([
    [{ batches: [] }, /positive integers/],
    [{ batches: [0] }, /positive integers/],
    [{ runs: 0 }, /runs >= 1/],
  ])('refuses options %j', (options, message) => {
    expect(() => createLatencyMetric(options)).toThrow(message)
  })

  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('takes the median of %j as %d', (values, expected) => {
    expect(median(values)).toBe(expected)
  })
})
