import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createRegistry,
  decodeRunState,
  definePlugin,
  disposeRunState,
  encodeRunState,
  runPipeline,
  setupBackend,
  type ConfigInput,
  type Reporter,
  type RunPosition,
  type RunState,
} from '../src/index.js'
import { shrink, stairs, tinyPlugin, tinyConfig } from './fixtures.js'

const registry = () => createRegistry({ plugins: [tinyPlugin, definePlugin({ name: 'resume-test', register: (r) => (r.schedules.add(stairs), r.strategies.add(shrink)) })] })

const config = (pipeline: ConfigInput['pipeline']): ConfigInput => tinyConfig(pipeline, 5)

const pipelines: Array<[string, ConfigInput['pipeline']]> = [
  ['train, prune, finetune', [{ train: { epochs: 3, checkpoints: [1] } }, { evaluate: { label: 'baseline' } }, { prune: { strategy: 'magnitude', sparsity: 0.5 } }, { finetune: { epochs: 2 } }, { evaluate: { label: 'finetuned' } }]],
  ['gradual finetune', [{ train: { epochs: 2 } }, { finetune: { epochs: 3, resetOptimizer: true, prune: { strategy: 'magnitude', schedule: { name: 'stairs', every: 5, by: 0.2, max: 0.6 } } } }, { evaluate: { label: 'final' } }]],
  ['structured, gradual', [{ train: { epochs: 1 } }, { finetune: { epochs: 2, prune: { strategy: 'shrink', schedule: { name: 'stairs', every: 6, by: 0.25, max: 0.5 } } } }, { evaluate: { label: 'final' } }]],
]

/** Runs the pipeline, keeping every state it hands out as bytes (as the CLI keeps them on disk). */
async function runSaving(c: ConfigInput, options: { resume?: RunState; signal?: AbortSignal; reporters?: Reporter[] } = {}) {
  const states: Array<{ position: RunPosition; bytes: Uint8Array }> = []
  const result = await runPipeline(c, { registry: registry(), ...options, onState: (s) => void states.push({ position: s.position, bytes: encodeRunState(s) }) })
  return { result, states }
}

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('resuming a run', () => {
  it.each(pipelines)('%s: resumed from any epoch end or step end, it ends with exactly the numbers of the uninterrupted run', async (_, pipeline) => {
    const tensors = tf.memory().numTensors
    const { result, states } = await runSaving(config(pipeline))
    expect(states.some((s) => s.position.fit)).toBe(true)
    for (const { position, bytes } of states) {
      const state = decodeRunState(bytes, 'state')
      const resumed = await runPipeline(config(pipeline), { registry: registry(), resume: state })
      disposeRunState(state)
      expect({ position, snapshots: resumed.snapshots, steps: resumed.steps.map((s) => s.index) }).toEqual({ position, snapshots: result.snapshots, steps: result.steps.map((s) => s.index) })
    }
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('an abort stops at the end of a batch: the result says where, the last state is the last finished epoch, and resuming from it matches', async () => {
    const [, pipeline] = pipelines[0]
    const tensors = tf.memory().numTensors
    const { result: full } = await runSaving(config(pipeline))
    const controller = new AbortController()
    const batches: string[] = []
    const stopper: Reporter = {
      onProgress: (p) => {
        batches.push(`${p.step.index}:${p.epoch}:${p.batch}`)
        if (p.epoch === 2 && p.batch === 3) controller.abort('SIGINT')
      },
    }
    const { result, states } = await runSaving(config(pipeline), { signal: controller.signal, reporters: [stopper] })
    expect(result.interrupted).toEqual({ reason: 'SIGINT', step: { index: 0, name: 'train', total: 5 }, message: 'Interrupted (SIGINT) in epoch 2 of 3, after batch 3 of 8.' })
    expect(batches.at(-1)).toBe('0:2:3')
    expect(result.steps).toEqual([])
    expect(states.map((s) => s.position)).toEqual([{ step: 0, fit: { epoch: 1, step: 8, prunes: 0, sparsity: 0 } }])
    const state = decodeRunState(states[0].bytes, 'state')
    const resumed = await runPipeline(config(pipeline), { registry: registry(), resume: state })
    disposeRunState(state)
    expect(resumed.snapshots).toEqual(full.snapshots)
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('an abort between steps stops before the next one, with the finished steps in the result', async () => {
    const controller = new AbortController()
    const stopAfterFirst: Reporter = { onStepEnd: (s) => void (s.index === 1 && controller.abort('SIGTERM')) }
    const { result } = await runSaving(config(pipelines[0][1]), { signal: controller.signal, reporters: [stopAfterFirst] })
    expect(result.steps.map((s) => s.name)).toEqual(['train', 'evaluate'])
    expect(result.snapshots.map((s) => s.label)).toEqual(['baseline'])
    expect(result.interrupted?.message).toBe('Interrupted (SIGTERM) before step 3 (prune).')
  })
})
