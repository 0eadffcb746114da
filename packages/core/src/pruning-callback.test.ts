import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayersModel } from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobs, kernelValues, tinyModel } from '../test/fixtures.js'
import { prune } from './api.js'
import { setupBackend } from './backend.js'
import type { Split } from './data.js'
import { ConfigError } from './errors.js'
import { PrunableModel } from './model.js'
import { pruningCallback } from './pruning-callback.js'
import { createRng } from './rng.js'

let train: Split

beforeAll(async () => {
  await setupBackend('wasm')
  train = blobs(1, 320)
})
afterAll(() => tf.dispose([train.x, train.y]))

/** Fraction of exact zeros over every kernel. */
async function sparsity(model: LayersModel): Promise<number> {
  const kernels = (await kernelValues(model)).flatMap((k) => Array.from(k))
  return kernels.filter((v) => v === 0).length / kernels.length
}

function compiled(seed: number): LayersModel {
  const model = tinyModel(createRng(seed), 6, [32, 16])
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' })
  return model
}

const fit = (model: LayersModel, callbacks?: ReturnType<typeof pruningCallback>) =>
  model.fit(train.x, train.y, { epochs: 2, batchSize: 32, verbose: 0, ...(callbacks ? { callbacks } : {}) })

describe('pruningCallback for model.fit', () => {
  it('keeps the masks that plain model.fit loses', async () => {
    const tensors = tf.memory().numTensors
    const plain = await prune(compiled(3), { sparsity: 0.7 })
    expect(await sparsity(plain.model)).toBeCloseTo(0.7, 2)
    await fit(plain.model)
    expect(await sparsity(plain.model)).toBeLessThan(0.15) // Adam moves pruned weights off zero (dead relu units' weights stay)

    const held = await prune(compiled(3), { sparsity: 0.7 })
    const zerosBefore = (await kernelValues(held.model)).map((k) => k.map((v) => Number(v === 0)))
    const history = await fit(held.model, pruningCallback(held))
    expect(await sparsity(held.model)).toBeCloseTo(0.7, 2)
    const zerosAfter = (await kernelValues(held.model)).map((k) => k.map((v) => Number(v === 0)))
    expect(zerosAfter).toEqual(zerosBefore) // the same weights, not only as many
    expect(history.history.loss[1]).toBeLessThan(history.history.loss[0] as number)

    for (const done of [plain, held]) {
      done.model.optimizer.dispose() // a model disposes only the optimizers it made from a name
      done.dispose()
    }
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('drives a polynomial schedule to its final sparsity, step by step', async () => {
    const tensors = tf.memory().numTensors
    const model = new PrunableModel(compiled(4))
    // 320 samples / 32 = 10 steps per epoch, 20 in all; the schedule ends at step 12.
    const callback = pruningCallback(model, { strategy: 'magnitude', schedule: { name: 'polynomial', finalSparsity: 0.8, endStep: 12, frequency: 4 } })
    const seen: number[] = []
    await model.model.fit(train.x, train.y, {
      epochs: 2,
      batchSize: 32,
      verbose: 0,
      callbacks: [callback, { onBatchEnd: async () => void seen.push(Number((await sparsity(model.model)).toFixed(3))) }],
    })
    expect(callback.step).toBe(20)
    expect(callback.sparsity).toBe(0.8)
    expect(await sparsity(model.model)).toBeCloseTo(0.8, 2)
    // Rising at steps 4, 8 and 12 (s_t = 0.8 (1 - (1 - t/12)^3)), then held through the last 8 steps.
    expect(new Set(seen).size).toBe(4)
    expect(seen.slice(11).every((s) => s === seen[19])).toBe(true)
    expect(seen[3]).toBeCloseTo(0.8 * (1 - (2 / 3) ** 3), 2)
    model.model.optimizer.dispose()
    model.dispose()
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('works wrapped in tfl.CustomCallback next to tfjs callback objects', async () => {
    const held = await prune(compiled(7), { sparsity: 0.6 })
    const callbacks = [tfl.callbacks.earlyStopping({ monitor: 'loss', patience: 5 }), new tfl.CustomCallback(pruningCallback(held))]
    await held.model.fit(train.x, train.y, { epochs: 2, batchSize: 32, verbose: 0, callbacks })
    expect(await sparsity(held.model)).toBeCloseTo(0.6, 2)
    held.model.optimizer.dispose()
    held.dispose()
  })

  it.each([
    [{ schedule: { name: 'polynomial', finalSparsity: 1.5, endStep: 10 } }, ConfigError, /finalSparsity/],
    [{ schedule: 'polynomal' }, ConfigError, /polynomial/],
    [{ strategy: 'magnitude', sparsity: 0.5, schedule: 'constant' }, ConfigError, /sparsity is set by the schedule/],
  ])('refuses bad options, naming the key: %j', (options, type, message) => {
    const model = new PrunableModel(tinyModel(createRng(1)))
    expect(() => pruningCallback(model, options as never)).toThrow(type)
    expect(() => pruningCallback(model, options as never)).toThrow(message)
    model.dispose()
  })
})
