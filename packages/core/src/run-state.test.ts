import * as tf from '@tensorflow/tfjs-core'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupBackend } from './backend.js'
import { configSchema } from './config.js'
import { RunStateError } from './errors.js'
import { PrunableModel } from './model.js'
import { ModelSlot } from './model-slot.js'
import { loadRunState, runStateFile, saveRunState } from './node/run-state-file.js'
import { createRng } from './rng.js'
import { configChanges, decodeRunState, disposeRunState, encodeRunState, type RunState } from './run-state.js'
import { mlp, train, values } from '../test/fixtures.js'

let dir: string
beforeAll(async () => {
  await setupBackend('cpu')
  dir = await mkdtemp(join(tmpdir(), 'prunekit-run-state-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const config = configSchema.parse({ seed: 7, model: { zoo: 'tiny' }, data: { dataset: 'blobs' } })
const weightsOf = (slot: ModelSlot) => slot.current.weights('all').map((r) => values(r.variable.read()))

/** A slot mid-run: masks, a named checkpoint, and an optimizer that has taken steps. */
function midRun(name: 'adam' | 'momentum', fresh: boolean) {
  const model = new PrunableModel(mlp(6, 3))
  model.masks.setValues('dense_1/kernel', Array.from({ length: 24 }, (_, i) => i % 3), [4, 6])
  model.applyMasks()
  const slot = new ModelSlot(model)
  const lease = slot.optimizer(name, 0.01, { fresh }) // a fresh one is held by its fit until the fit ends
  train(slot.current, lease.optimizer, 3)
  slot.current.applyMasks() // as the Trainer does after every step
  slot.checkpoints.save('mid')
  const rng = createRng(11)
  rng.next()
  return { slot, rng, lease }
}

const through = {
  memory: async (state: RunState) => state,
  bytes: async (state: RunState) => decodeRunState(encodeRunState(state), 'state.bin'),
  disk: async (state: RunState) => {
    await saveRunState(dir, state)
    return loadRunState(dir)
  },
}

describe('run state', () => {
  it.each([
    ['adam', false, 'memory'],
    ['adam', false, 'bytes'],
    ['adam', false, 'disk'],
    ['momentum', true, 'disk'],
  ] as const)('%s (fresh: %s) through %s: the restored run trains on to the very same weights, rng and checkpoints', async (name, fresh, via) => {
    const tensors = tf.memory().numTensors
    const { slot, rng, lease } = midRun(name, fresh)
    const captured: RunState = { config, position: { step: 2, fit: { epoch: 1, step: 3, prunes: 0, sparsity: 0 } }, rng: rng.getState(), history: [{ label: 'baseline', step: 1, metrics: { accuracy: 0.5 } }], steps: [], slot: slot.capture() }
    const state = await through[via](captured)

    train(slot.current, lease.optimizer, 4)
    slot.current.applyMasks()
    const saved = slot.checkpoints.weight('mid', 'dense_1/kernel')!
    const expected = { weights: weightsOf(slot), rng: rng.next(), mid: values(saved) }

    const restored = await ModelSlot.restore(state.slot)
    const again = createRng(0)
    again.setState(state.rng)
    train(restored.current, restored.optimizer(name, 0.01, { fresh }).optimizer, 4)
    restored.current.applyMasks()
    expect(weightsOf(restored)).toEqual(expected.weights)
    expect(again.next()).toBe(expected.rng)
    expect(restored.checkpoints.names()).toEqual(['init', 'mid'])
    const mid = restored.checkpoints.weight('mid', 'dense_1/kernel')!
    expect(values(mid)).toEqual(expected.mid)
    expect(restored.current.masks.keys()).toEqual(['dense_1/kernel'])
    expect({ position: state.position, history: state.history, config: state.config }).toEqual({ position: captured.position, history: captured.history, config })

    tf.dispose([mid, saved])
    for (const s of new Set([captured, state])) disposeRunState(s)
    slot.dispose()
    restored.dispose()
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('without its saved optimizer state the run would not match (the test can fail)', () => {
    const { slot } = midRun('adam', false)
    const state = slot.capture()
    const fresh = new ModelSlot(new PrunableModel(mlp(6, 3)))
    tf.tidy(() => fresh.current.weights('all').forEach((r, i) => r.variable.write(slot.current.weights('all')[i].variable.read())))
    train(slot.current, slot.optimizer('adam', 0.01).optimizer, 2)
    train(fresh.current, fresh.optimizer('adam', 0.01).optimizer, 2)
    expect(weightsOf(fresh)).not.toEqual(weightsOf(slot))
    disposeRunState({ slot: state } as RunState)
    slot.dispose()
    fresh.dispose()
  })

  it.each([
    ['cut short', (b: Uint8Array) => b.subarray(0, b.length - 10), /runs past the end/],
    ['not a state', (b: Uint8Array) => new TextEncoder().encode('\u0004\u0000\u0000\u0000null'), /not a prunekit run state/],
    ['empty', () => new Uint8Array(0), /empty or cut short/],
  ])('refuses bytes that are %s, naming the file, and leaks nothing', (_, damage, message) => {
    const { slot } = midRun('adam', false)
    const state: RunState = { config, position: { step: 1 }, rng: 1, history: [], steps: [], slot: slot.capture() }
    const bytes = encodeRunState(state)
    disposeRunState(state)
    const tensors = tf.memory().numTensors
    expect(() => decodeRunState(damage(bytes), 'out/run-state.bin')).toThrow(message)
    expect(() => decodeRunState(damage(bytes), 'out/run-state.bin')).toThrow(/out\/run-state\.bin/)
    expect(tf.memory().numTensors).toBe(tensors)
    slot.dispose()
  })

  it('refuses a saved file whose bytes changed, and a directory with no state, saying what to do', async () => {
    const { slot } = midRun('adam', false)
    const state: RunState = { config, position: { step: 1 }, rng: 1, history: [], steps: [], slot: slot.capture() }
    const path = await saveRunState(dir, state)
    disposeRunState(state)
    slot.dispose()
    const bytes = await readFile(path)
    bytes[bytes.length - 1] ^= 1
    await writeFile(path, bytes)
    await expect(loadRunState(dir)).rejects.toThrow(new RunStateError(`${path} is corrupt (its checksum does not match its contents). Start the run again without --resume.`))
    await expect(loadRunState(join(dir, 'nowhere'))).rejects.toThrow(`${join(dir, 'nowhere', runStateFile)} does not exist`)
  })
})

describe('configChanges', () => {
  it.each([
    [{ seed: 8 }, ['seed']],
    [{ out: 'elsewhere' }, []],
    [{ pipeline: [{ train: { epochs: 3 } }] }, ['pipeline.0.train.epochs', 'pipeline.1', 'pipeline.2', 'pipeline.3', 'pipeline.4', 'pipeline.5']],
    [{ backend: 'cpu', train: { learningRate: 0.01 } }, ['backend', 'train.learningRate']],
  ] as const)('%j changes %j', (change, paths) => {
    expect(configChanges(config, configSchema.parse({ seed: 7, model: { zoo: 'tiny' }, data: { dataset: 'blobs' }, ...change }))).toEqual(paths)
  })
})
