import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { convModel, expectClose, fitOptions as options, imageBlobs, weightValues as values } from '../test/fixtures.js'
import { setupBackend } from './backend.js'
import type { Split } from './data.js'
import { createRng } from './rng.js'
import { Trainer } from './trainer.js'

let train: Split

// Its own file: changing the backend's threads disposes the tensors of the backend before.
beforeAll(async () => {
  await setupBackend('wasm', { threads: 2 })
  train = imageBlobs()
})
afterAll(async () => {
  tf.dispose([train.x, train.y])
  await setupBackend('wasm', { threads: 1 })
})

describe('training in the WebAssembly engine on two threads', () => {
  it('trains on as many threads as the wasm backend was set up with, as the tfjs path does', async () => {
    const [viaTfjs, viaEngine] = [convModel(), convModel()]
    const results = []
    for (const [model, engine] of [[viaTfjs, 'tfjs'], [viaEngine, 'auto']] as const) results.push(await new Trainer(options({ engine })).fit(model, train, { task: 'multiclass', rng: createRng(1) }))
    expect(results[1].engine).toBe('wasm engine (2 threads)')
    expectClose([results[1].losses], [results[0].losses])
    expectClose(values(viaEngine), values(viaTfjs))
    viaTfjs.dispose()
    viaEngine.dispose()
  })
})
