import { PrunableModel, createRng, magnitude, setupBackend, type ModelFactory } from '@prunekit/core'
import { lenet5Model, mlpModel } from '@prunekit/models'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { reinitialize } from './reinit.js'

/** A zoo model, as the pipeline would build it. */
async function build(factory: ModelFactory<unknown>, options: object, inputShape: number[], seed: number): Promise<PrunableModel> {
  const built = await factory.build(factory.options.parse(options), { inputShape, numClasses: 3, task: 'multiclass', rng: createRng(seed) })
  return built instanceof PrunableModel ? built : new PrunableModel(built)
}

const mlp = (seed = 1) => build(mlpModel as ModelFactory<unknown>, { units: [16, 8] }, [20], seed)

const read = (model: PrunableModel): Promise<Record<string, number[]>> =>
  Promise.all(model.weights().map(async (w) => [w.key, [...(await w.variable.read().data())]] as const)).then(Object.fromEntries)

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('reinitialize', () => {
  it('draws every weight anew from the initialisers the model was built with', async () => {
    const model = await mlp()
    const before = await read(model)
    await reinitialize(model, createRng(9))
    const after = await read(model)
    expect(Object.keys(after)).toEqual(Object.keys(before))
    for (const ref of model.weights()) {
      if (ref.kind === 'bias') expect(after[ref.key].every((v) => v === 0)).toBe(true)
      else {
        // glorotUniform: U(-l, l), l = sqrt(6 / (fanIn + fanOut)).
        const limit = Math.sqrt(6 / (ref.shape[0] + ref.shape[1]))
        expect(after[ref.key].every((v) => Math.abs(v) <= limit)).toBe(true)
        expect(after[ref.key].filter((v, i) => v === before[ref.key][i])).toHaveLength(0)
      }
    }
    model.dispose()
  })

  it('gives the same weights for the same seed and other weights for another', async () => {
    const [a, b, c] = await Promise.all([mlp(), mlp(), mlp()])
    await reinitialize(a, createRng(3))
    await reinitialize(b, createRng(3))
    await reinitialize(c, createRng(4))
    expect(await read(b)).toEqual(await read(a))
    expect(await read(c)).not.toEqual(await read(a))
    ;[a, b, c].forEach((m) => m.dispose())
  })

  it('keeps pruned weights at exactly zero, for dense and convolutional models', async () => {
    const lenet5 = await build(lenet5Model as ModelFactory<unknown>, {}, [28, 28, 1], 2)
    for (const model of [await mlp(), lenet5]) {
      await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.7 }) }, { rng: createRng(0) })
      const pruned = await read(model)
      await reinitialize(model, createRng(5))
      const fresh = await read(model)
      for (const ref of model.weights().filter((w) => w.kind === 'kernel')) {
        pruned[ref.key].forEach((v, i) => expect(fresh[ref.key][i] === 0).toBe(v === 0))
      }
      model.dispose()
    }
  })

  it('leaks no tensors', async () => {
    const model = await mlp()
    await reinitialize(model, createRng(1))
    const before = tf.memory().numTensors
    await reinitialize(model, createRng(2))
    expect(tf.memory().numTensors).toBe(before)
    model.dispose()
  })
})
