import { createRegistry, createRng, decodeRunState, disposeRunState, encodeRunState, prune, runPipeline, setupBackend, PrunableModel, type ConfigInput, type Dataset, type PipelineResult, type Registry } from '@prunekit/core'
import { datasetsPlugin, syntheticOptions } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { mlpModel, mlpOptions, modelsPlugin } from '@prunekit/models'
import { structuredPlugin } from '@prunekit/strategy-structured'
import * as tf from '@tensorflow/tfjs-core'
import type { LayersModel } from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { taylor } from './gradient-criteria.js'
import { importancePlugin } from './plugin.js'

const registry = (): Registry => createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin(), importancePlugin()] })

const config = (pipeline: ConfigInput['pipeline']): ConfigInput => ({
  seed: 5,
  backend: 'cpu',
  model: { zoo: 'mlp', units: [16, 8] },
  data: { dataset: 'synthetic', samples: 300 },
  train: { learningRate: 0.01, batchSize: 32 },
  pipeline,
  reporters: [],
})

const run = (pipeline: ConfigInput['pipeline']): Promise<PipelineResult> => runPipeline(config(pipeline), { registry: registry(), keepModel: true })

/** Pruned weights per kernel, read from the kept model, which is then freed. */
function prunedPerLayer(result: PipelineResult): Record<string, number> {
  const counts = Object.fromEntries(result.model!.masks.prunedCounts())
  result.model!.dispose()
  return counts
}

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('importance strategies in a pipeline', () => {
  it('snip prunes before any training, and training keeps its pruned weights at zero', async () => {
    const result = await run([{ prune: { strategy: 'snip', sparsity: 0.8 } }, { train: { epochs: 2 } }, { evaluate: { label: 'trained', metrics: ['sparsity'] } }])
    expect(result.snapshots[0].metrics.sparsity).toBeCloseTo(0.8, 2)
    expect(Object.values(prunedPerLayer(result)).reduce((a, b) => a + b, 0)).toBe(Math.round(0.8 * (20 * 16 + 16 * 8 + 8)))
  })

  it('movement prunes gradually during finetune on a polynomial schedule, and leaks no tensor', async () => {
    await runPipeline(config([{ train: { epochs: 1 } }]), { registry: registry() })
    const before = tf.memory().numTensors
    const result = await runPipeline(
      config([
        { train: { epochs: 1 } },
        { finetune: { epochs: 2, prune: { strategy: 'movement', schedule: { name: 'polynomial', finalSparsity: 0.75, endStep: 12, frequency: 3 } } } },
        { evaluate: { label: 'moved', metrics: ['sparsity'] } },
      ]),
      { registry: registry() },
    )
    expect(result.snapshots[0].metrics.sparsity).toBeCloseTo(0.75, 2)
    expect(result.steps[1].summary).toMatch(/movement on a polynomial schedule: 4 prune\(s\), now at 75\.00% sparsity/)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('a movement fit saves no mid-fit state (its scores are not in it): resumed from any saved state, the run ends with the same numbers', async () => {
    const pipeline: ConfigInput['pipeline'] = [
      { train: { epochs: 2 } },
      { finetune: { epochs: 2, prune: { strategy: 'movement', schedule: { name: 'polynomial', finalSparsity: 0.75, endStep: 12, frequency: 3 } } } },
      { evaluate: { label: 'moved', metrics: ['sparsity'] } },
    ]
    const states: Array<{ step: number; fit: boolean; bytes: Uint8Array }> = []
    const full = await runPipeline(config(pipeline), { registry: registry(), onState: (s) => void states.push({ step: s.position.step, fit: s.position.fit !== undefined, bytes: encodeRunState(s) }) })
    // train saves at its epoch ends; the movement finetune (step 1) only before it starts.
    expect(states.map(({ step, fit }) => [step, fit])).toEqual([[0, true], [0, true], [1, false], [2, false]])
    const before = tf.memory().numTensors
    for (const { bytes } of states) {
      const state = decodeRunState(bytes, 'state')
      const resumed = await runPipeline(config(pipeline), { registry: registry(), resume: state })
      disposeRunState(state)
      expect(resumed.snapshots).toEqual(full.snapshots)
    }
    expect(tf.memory().numTensors).toBe(before)
  })

  it.each([['taylor', {}], ['wanda', {}], ['fisher', { samples: 32 }], ['snip', {}]])('%s takes core\'s whole selection: scope layer, exclude, per-layer overrides', async (strategy, own) => {
    const result = await run([
      { train: { epochs: 1 } },
      { prune: { strategy, ...own, sparsity: 0.5, scope: 'layer', exclude: ['output'], overrides: { dense_2: { sparsity: 0.25 } } } },
    ])
    expect(prunedPerLayer(result)).toEqual({ 'dense_1/kernel': 160, 'dense_2/kernel': 32 })
  })

  it('taylor by threshold prunes every weight scored below it', async () => {
    const result = await run([{ train: { epochs: 1 } }, { prune: { strategy: 'taylor', threshold: 1e-4, include: ['dense_1'] } }])
    const pruned = prunedPerLayer(result)
    expect(Object.keys(pruned)).toEqual(['dense_1/kernel'])
    expect(pruned['dense_1/kernel']).toBeGreaterThan(0)
    expect(pruned['dense_1/kernel']).toBeLessThan(320)
  })
})

describe('unit scores for structured strategies', () => {
  it('l1-units with importance: taylor keeps the units with the largest summed taylor score', async () => {
    const reg = registry()
    const data: Dataset = await reg.datasets.get('synthetic').load(syntheticOptions.parse({ samples: 300 }), { seed: 3, rng: createRng(3) })
    const model = new PrunableModel(mlpModel.build(mlpOptions.parse({ units: [16, 8] }), { inputShape: [20], numClasses: 2, task: 'binary', rng: createRng(4) }) as LayersModel)
    const [kernel] = model.weights()
    const [scores] = await taylor.scoreWeights!(model, [kernel], { rng: createRng(1), data }, taylor.options.parse({ sparsity: 0 }))
    const units = Array.from({ length: 16 }, (_, u) => scores.filter((_, i) => i % 16 === u).reduce((a, b) => a + b, 0))
    const expected = units.map((s, u) => [s, u]).sort((a, b) => b[0] - a[0]).slice(0, 8).map(([, u]) => u).sort((a, b) => a - b)
    const columns = (await kernel.variable.read().array()) as number[][]

    const pruned = await prune(model, { strategy: 'l1-units', ratio: 0.5, include: ['dense_1'], importance: 'taylor', registry: reg, data })
    const after = (await pruned.model.getWeights()[0].array()) as number[][]
    expect(after[0]).toEqual(expected.map((u) => columns[0][u]))
    expect(expected).not.toEqual(Array.from({ length: 8 }, (_, i) => i))
    pruned.dispose()
    model.dispose()
    data.dispose()
  })

  it('refuses an importance that gives no weight scores', async () => {
    const reg = registry()
    const model = new PrunableModel(mlpModel.build(mlpOptions.parse({ units: [8] }), { inputShape: [20], numClasses: 2, task: 'binary', rng: createRng(4) }) as LayersModel)
    await expect(prune(model, { strategy: 'l1-units', ratio: 0.5, importance: 'l2-units', registry: reg })).rejects.toThrow(/"l2-units" gives no per-weight scores/)
    model.dispose()
  })
})
