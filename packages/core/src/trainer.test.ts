import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { blobs, kernelValues, tinyModel } from '../test/fixtures.js'
import { setupBackend } from './backend.js'
import { evaluateModel } from './evaluate.js'
import { magnitude } from './magnitude.js'
import { PrunableModel } from './model.js'
import { createRng } from './rng.js'
import { Trainer, type FitOptions } from './trainer.js'
import type { Split } from './data.js'

let train: Split
let test: Split

beforeAll(async () => {
  await setupBackend('wasm')
  train = blobs(1, 300)
  test = blobs(2, 90)
})
afterAll(() => tf.dispose([train.x, train.y, test.x, test.y]))

const options = (overrides: Partial<FitOptions> = {}): FitOptions => ({ optimizer: 'adam', learningRate: 0.01, batchSize: 32, shuffle: true, epochs: 3, ...overrides })

describe('Trainer', () => {
  it.each(['sgd', 'momentum', 'adam'] as const)('lowers the loss with %s', async (optimizer) => {
    const model = new PrunableModel(tinyModel(createRng(5)))
    const before = await evaluateModel(model, test, 'multiclass')
    const result = await new Trainer(options({ optimizer, learningRate: optimizer === 'adam' ? 0.01 : 0.1, epochs: 5 })).fit(model, train, { task: 'multiclass', rng: createRng(1) })
    const after = await evaluateModel(model, test, 'multiclass')
    expect(after.loss).toBeLessThan(before.loss)
    expect(result.losses).toHaveLength(5)
    expect(result.losses[4]).toBeLessThan(result.losses[0])
    model.dispose()
  })

  it('holds pruned weights at exactly zero through fine-tuning', async () => {
    const model = new PrunableModel(tinyModel(createRng(5), 6, [32, 16]))
    await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.7 }) }, { rng: createRng(0) })
    const pruned = await kernelValues(model.model)
    await new Trainer(options({ epochs: 4 })).fit(model, train, { task: 'multiclass', rng: createRng(1) })
    const tuned = await kernelValues(model.model)
    let survivorsMoved = 0
    pruned.forEach((v, l) =>
      v.forEach((w, i) => {
        if (w === 0) expect(tuned[l][i] === 0).toBe(true)
        else if (tuned[l][i] !== w) survivorsMoved++
      }),
    )
    expect(survivorsMoved).toBeGreaterThan(0)
    model.dispose()
  })

  it('shows every optimizer step its gradients, keyed by weight, and trains exactly as without the hook', async () => {
    const [plain, watched] = [new PrunableModel(tinyModel(createRng(5))), new PrunableModel(tinyModel(createRng(5)))]
    // A gradient hook trains through tfjs ops (the engine has no tape to show): compare with that path.
    const trainer = new Trainer(options({ epochs: 2, engine: 'tfjs' }))
    await trainer.fit(plain, train, { task: 'multiclass', rng: createRng(1) })
    const seen: string[][] = []
    const before = tf.memory().numTensors
    await trainer.fit(watched, train, { task: 'multiclass', rng: createRng(1), onGradients: (g) => void seen.push([...g.keys()]) })
    expect(tf.memory().numTensors).toBe(before)
    expect(seen).toHaveLength(2 * Math.ceil(300 / 32))
    expect(seen[0]).toEqual(watched.weights().map((ref) => ref.key))
    expect(await kernelValues(watched.model)).toEqual(await kernelValues(plain.model))
    plain.dispose()
    watched.dispose()
  })

  it('keeps tf.memory().numTensors flat across epochs and fits', async () => {
    const model = new PrunableModel(tinyModel(createRng(5)))
    await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.5 }) }, { rng: createRng(0) })
    const trainer = new Trainer(options({ epochs: 1 }))
    await trainer.fit(model, train, { task: 'multiclass', rng: createRng(1) })
    const baseline = tf.memory().numTensors
    const counts: number[] = []
    await trainer.fit(model, train, { task: 'multiclass', rng: createRng(1), onProgress: (p) => {
      if (p.batch === p.batches) counts.push(tf.memory().numTensors)
    } })
    await new Trainer(options({ epochs: 3 })).fit(model, train, { task: 'multiclass', rng: createRng(2), onProgress: (p) => {
      if (p.batch === p.batches) counts.push(tf.memory().numTensors)
    } })
    await evaluateModel(model, test, 'multiclass')
    expect(tf.memory().numTensors).toBe(baseline)
    expect(new Set(counts).size).toBe(1)
    model.dispose()
  })

  it('calls afterStep once per optimizer step and enforces masks it sets from the next step on', async () => {
    const model = new PrunableModel(tinyModel(createRng(5), 6, [32, 16]))
    const steps: number[] = []
    await new Trainer(options({ epochs: 2, batchSize: 100 })).fit(model, train, {
      task: 'multiclass',
      rng: createRng(1),
      afterStep: async (step) => {
        steps.push(step)
        if (step === 2) await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.5 }) }, { rng: createRng(0) })
      },
    })
    expect(steps).toEqual([1, 2, 3, 4, 5, 6])
    const kernels = await kernelValues(model.model)
    const total = kernels.reduce((n, k) => n + k.length, 0)
    expect(kernels.reduce((n, k) => n + k.filter((v) => v === 0).length, 0)).toBe(Math.round(0.5 * total))
    model.dispose()
  })

  it('reports progress for every batch of every epoch', async () => {
    const model = new PrunableModel(tinyModel(createRng(5)))
    const seen: string[] = []
    await new Trainer(options({ epochs: 2, batchSize: 100 })).fit(model, train, { task: 'multiclass', rng: createRng(1), onProgress: (p) => seen.push(`${p.epoch}/${p.batch}/${p.batches}${p.loss === undefined ? '' : '*'}`) })
    expect(seen).toEqual(['1/1/3', '1/2/3', '1/3/3*', '2/1/3', '2/2/3', '2/3/3*'])
    model.dispose()
  })
})
