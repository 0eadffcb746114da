import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convModel, expectClose, fitOptions as options, imageBlobs, tinyModel, weightValues as values } from '../test/fixtures.js'
import { setupBackend } from './backend.js'
import type { Split } from './data.js'
import { RunInterruptedError } from './errors.js'
import { magnitude } from './magnitude.js'
import { PrunableModel } from './model.js'
import { ModelSlot } from './model-slot.js'
import { createRng } from './rng.js'
import { Trainer } from './trainer.js'

let train: Split

beforeAll(async () => {
  await setupBackend('wasm')
  train = imageBlobs()
})
afterAll(() => tf.dispose([train.x, train.y]))


describe('training in the WebAssembly engine', () => {
  it.each(['adam', 'momentum', 'sgd'] as const)('trains as the tfjs path does with %s, across two fits that share the optimizer state', async (optimizer) => {
    const [viaTfjs, viaEngine] = [convModel(), convModel()]
    const results = []
    for (const [model, engine] of [[viaTfjs, 'tfjs'], [viaEngine, 'auto']] as const) {
      const slot = new ModelSlot(model, { borrowed: true })
      const trainer = new Trainer(options({ optimizer, engine }))
      const first = await trainer.fitSlot(slot, train, { task: 'multiclass', rng: createRng(1) })
      const second = await trainer.fitSlot(slot, train, { task: 'multiclass', rng: createRng(2) })
      results.push({ first, second })
      slot.detach()
    }
    expect(results[0].first.engine).toBe('tfjs ops (engine: tfjs)')
    expect(results[1].first.engine).toBe('wasm engine')
    expectClose([results[1].first.losses, results[1].second.losses], [results[0].first.losses, results[0].second.losses])
    expectClose(values(viaEngine), values(viaTfjs)) // moving statistics included
    viaTfjs.dispose()
    viaEngine.dispose()
  })

  it('brings in masks and weights an afterStep hook changes, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors
    const [viaTfjs, viaEngine] = [new PrunableModel(tinyModel(createRng(5), 16, [12])), new PrunableModel(tinyModel(createRng(5), 16, [12]))]
    const flat = { x: tf.reshape(train.x, [120, 16]), y: train.y, size: 120 }
    for (const [model, engine] of [[viaTfjs, 'tfjs'], [viaEngine, 'auto']] as const) {
      await new Trainer(options({ engine, epochs: 3 })).fit(model, flat, {
        task: 'multiclass',
        rng: createRng(1),
        afterStep: async (step) => {
          if (step === 3) await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.6 }) }, { rng: createRng(0) })
        },
      })
    }
    expectClose(values(viaEngine), values(viaTfjs))
    const kernel = viaEngine.weights()[0]
    const mask = viaEngine.masks.get(kernel.key)!.dataSync()
    const trained = kernel.variable.read().dataSync()
    expect(mask.some((m) => m === 0)).toBe(true)
    mask.forEach((m, i) => m === 0 && expect(trained[i] === 0).toBe(true))
    viaTfjs.dispose()
    viaEngine.dispose()
    flat.x.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('hands the model its trained weights when a run is interrupted mid-fit', async () => {
    const [viaTfjs, viaEngine] = [convModel(), convModel()]
    for (const [model, engine] of [[viaTfjs, 'tfjs'], [viaEngine, 'auto']] as const) {
      const controller = new AbortController()
      const fit = new Trainer(options({ engine })).fit(model, train, { task: 'multiclass', rng: createRng(1), signal: controller.signal, onProgress: (p) => p.batch === 2 && controller.abort('test') })
      await expect(fit).rejects.toThrow(RunInterruptedError)
    }
    expectClose(values(viaEngine), values(viaTfjs))
    viaTfjs.dispose()
    viaEngine.dispose()
  })

  it.each([
    ['the binary task', { task: 'binary' as const, layer: false }, 'tfjs ops (the binary task)'],
    ['an unsupported layer', { task: undefined, layer: true }, 'tfjs ops (layer "leaky" is a LeakyReLU)'],
  ])('trains through tfjs ops for %s, and says why', async (_, { task, layer }, reason) => {
    const model = new PrunableModel(
      tfl.sequential({
        layers: [
          tfl.layers.flatten({ inputShape: [4, 4, 1] }),
          ...(layer ? [tfl.layers.leakyReLU({ name: 'leaky' })] : []),
          tfl.layers.dense({ units: task === 'binary' ? 1 : 3, activation: task === 'binary' ? 'sigmoid' : 'softmax' }),
        ],
      }),
    )
    const y = task === 'binary' ? tf.slice(train.y, [0, 0], [-1, 1]) : train.y
    const result = await new Trainer(options({ epochs: 1 })).fit(model, { ...train, y }, { task: task ?? 'multiclass', rng: createRng(1) })
    expect(result.engine).toBe(reason)
    if (y !== train.y) y.dispose()
    model.dispose()
  })
})
