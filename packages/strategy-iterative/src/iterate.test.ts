import {
  PrunableModel,
  type ConfigError,
  createRegistry,
  createRng,
  definePlugin,
  defineStrategy,
  runPipeline,
  setupBackend,
  type ConfigInput,
  type PipelineResult,
  type Registry,
  type Snapshot,
} from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { mlpModel, mlpOptions, modelsPlugin } from '@prunekit/models'
import * as tf from '@tensorflow/tfjs-core'
import type { LayersModel } from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { iterativePlugin } from './plugin.js'

/** A stand-in for a structured strategy: a new mlp that keeps the round((1 - sparsity) * 16) strongest units of dense_1. */
const shrink = defineStrategy({
  name: 'shrink',
  description: 'test structured strategy',
  options: z.object({ sparsity: z.number().min(0).max(1) }).strict(),
  async prune(model, { options }) {
    const [k1, b1, k2, b2] = model.model.getWeights()
    const units = Math.max(1, Math.round((1 - options.sparsity) * 16))
    if (units >= k1.shape[1]!) return model
    const strength = await tf.tidy(() => tf.sum(tf.abs(k1), 0)).array() as number[]
    const keep = strength.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, units).map(([, i]) => i).sort((a, b) => a - b)
    const next = mlpModel.build(mlpOptions.parse({ units: [units] }), { inputShape: [20], numClasses: 2, task: 'binary', rng: createRng(0) }) as LayersModel
    const index = tf.tensor1d(keep, 'int32')
    const weights = tf.tidy(() => [tf.gather(k1, index, 1), tf.gather(b1, index), tf.gather(k2, index, 0), tf.clone(b2)])
    next.setWeights(weights)
    tf.dispose([index, ...weights])
    return new PrunableModel(next)
  },
})

/** Metrics that expose what the tests check: every kernel value, and the live tensor count. */
const probes = definePlugin({
  name: 'probes',
  register(registry) {
    registry.metrics.add({
      name: 'kernels',
      description: 'every kernel value, layer after layer',
      compute: async (ctx) => (await Promise.all(ctx.model.weights().filter((w) => w.kind === 'kernel').map(async (w) => [...(await w.variable.read().data())]))).flat(),
    })
    registry.metrics.add({ name: 'tensors', description: 'tf.memory().numTensors', compute: async () => tf.memory().numTensors })
    registry.strategies.add(shrink)
  },
})

const registry = (): Registry => createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), iterativePlugin(), probes] })
const metrics = ['accuracy', 'sparsity', 'kernels', 'tensors']
const kernels = 20 * 16 + 16 * 1

const config = (pipeline: ConfigInput['pipeline']): ConfigInput => ({
  seed: 5,
  backend: 'cpu',
  model: { zoo: 'mlp', units: [16] },
  data: { dataset: 'synthetic', samples: 300 },
  train: { learningRate: 0.01, batchSize: 32 },
  pipeline,
  reporters: [],
})

const run = (pipeline: ConfigInput['pipeline']): Promise<PipelineResult> => runPipeline(config(pipeline), { registry: registry() })
const values = (s: Snapshot): number[] => s.metrics.kernels as number[]
const zeroIds = (s: Snapshot): number[] => values(s).flatMap((v, i) => (v === 0 ? [i] : []))
const byLabel = (r: PipelineResult) => Object.fromEntries(r.snapshots.map((s) => [s.label, s]))

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('iterate', () => {
  it('prunes to each round\'s sparsity, trains, and records one snapshot per round', async () => {
    const result = await run([
      { train: { epochs: 2 } },
      { iterate: { rounds: 3, prune: { strategy: 'magnitude', sparsity: [0.5, 0.7, 0.8] }, finetune: { epochs: 1 }, metrics } },
    ])
    expect(result.snapshots.map((s) => s.label)).toEqual(['round-1', 'round-2', 'round-3'])
    expect(result.snapshots.map((s) => s.metrics.sparsity)).toEqual([0.5, 0.7, 0.8].map((s) => Math.round(s * kernels) / kernels))
    expect(result.steps[1].summary).toMatch(/^3 round\(s\) of magnitude, rewind none: 50\.0% 0\.\d{4}, 70\.0% 0\.\d{4}, 80\.0% 0\.\d{4}$/)
  })

  it.each([
    ['global', { name: 'geometric', rate: 0.4 }],
    ['layer', { name: 'polynomial', finalSparsity: 0.9, endStep: 4 }],
  ])('only ever adds to the masks (scope %s, schedule %j)', async (scope, schedule) => {
    const result = await run([
      { train: { epochs: 1 } },
      { iterate: { rounds: 4, prune: { strategy: 'magnitude', scope, schedule }, finetune: { epochs: 1 }, metrics } },
    ])
    const zeros = result.snapshots.map(zeroIds)
    zeros.forEach((ids, r) => {
      if (r > 0) expect(ids).toEqual(expect.arrayContaining(zeros[r - 1]))
      if (r > 0) expect(ids.length).toBeGreaterThan(zeros[r - 1].length)
    })
  })

  it.each([
    ['init', [{ evaluate: { label: 'saved', metrics } }, { train: { epochs: 2 } }], 'init'],
    ['{ epoch: 1 }', [{ train: { epochs: 1, checkpoints: [1] } }, { evaluate: { label: 'saved', metrics } }, { train: { epochs: 1 } }], { epoch: 1 }],
  ])('rewind %s gives every surviving weight exactly its saved value, and pruned ones zero', async (_case, before, rewind) => {
    // No training in the rounds, so each round's weights are exactly the rewound ones.
    const result = await run([...before, { iterate: { rounds: 2, prune: { sparsity: [0.6, 0.8] }, finetune: { epochs: 0 }, rewind, metrics } }])
    const { saved, 'round-1': first, 'round-2': second } = byLabel(result)
    for (const [round, sparsity] of [[first, 0.6], [second, 0.8]] as const) {
      expect(zeroIds(round)).toHaveLength(Math.round(sparsity * kernels))
      values(round).forEach((v, i) => expect(v === 0 || v === values(saved)[i]).toBe(true))
    }
  })

  it('trains the random re-initialisation control on the same masks, without touching the ticket\'s lineage', async () => {
    const iterate = { rounds: 2, prune: { sparsity: [0.5, 0.75] }, finetune: { epochs: 1 }, rewind: 'init', metrics }
    const pipeline = (control: string) => [{ evaluate: { label: 'init', metrics } }, { train: { epochs: 2 } }, { iterate: { ...iterate, control } }]
    const [withControl, without] = [await run(pipeline('reinit')), await run(pipeline('none'))]
    expect(withControl.snapshots.map((s) => s.label)).toEqual(['init', 'round-1', 'round-1-reinit', 'round-2', 'round-2-reinit'])
    const s = byLabel(withControl)
    for (const round of [1, 2]) {
      const [ticket, control] = [s[`round-${round}`], s[`round-${round}-reinit`]]
      expect(zeroIds(control)).toEqual(zeroIds(ticket))
      expect(control.metrics.accuracy).not.toBe(ticket.metrics.accuracy)
    }
    expect(withControl.steps[2].summary).toMatch(/50\.0% 0\.\d{4} \(reinit 0\.\d{4}\), 75\.0% 0\.\d{4} \(reinit 0\.\d{4}\)$/)
    // The control runs on the side: the tickets are the same with or without it.
    const tickets = (r: PipelineResult) => r.snapshots.filter((x) => /^round-\d$/.test(x.label)).map((x) => ({ ...x.metrics, tensors: 0 }))
    expect(tickets(withControl)).toEqual(tickets(without))
  })

  it('keeps tf.memory().numTensors flat across rounds and leaks nothing once the run ends', async () => {
    const pipeline = [{ train: { epochs: 1 } }, { iterate: { rounds: 3, prune: { schedule: { name: 'geometric', rate: 0.5 } }, rewind: 'init', control: 'reinit', finetune: { epochs: 1 }, metrics } }]
    await run(pipeline)
    const before = tf.memory().numTensors
    const result = await run(pipeline)
    expect(tf.memory().numTensors).toBe(before)
    // The control's snapshots also hold the ticket's weights, set aside while it trains.
    const tensorsOf = (control: boolean) => new Set(result.snapshots.filter((x) => x.label.endsWith('-reinit') === control).map((x) => x.metrics.tensors))
    expect(tensorsOf(false).size).toBe(1)
    expect(tensorsOf(true).size).toBe(1)
  })

  it('runs rounds of a structured strategy that rebuilds a smaller model each round, with the reinit control', async () => {
    const result = await runPipeline(config([{ train: { epochs: 1 } }, { iterate: { rounds: 2, prune: { strategy: 'shrink', sparsity: [0.25, 0.5] }, finetune: { epochs: 1 }, control: 'reinit', metrics: ['accuracy', 'kernels'] } }]), {
      registry: registry(),
      keepModel: true,
    })
    expect(result.snapshots.map((x) => [x.label, values(x).length])).toEqual([
      ['round-1', 20 * 12 + 12],
      ['round-1-reinit', 20 * 12 + 12],
      ['round-2', 20 * 8 + 8],
      ['round-2-reinit', 20 * 8 + 8],
    ])
    expect(result.model!.model.getWeights()[0].shape).toEqual([20, 8])
    result.model!.dispose()
    await expect(run([{ train: { epochs: 1 } }, { iterate: { rounds: 1, prune: { strategy: 'shrink', sparsity: [0.5] }, rewind: 'init' } }])).rejects.toThrow(/Cannot restore dense_1\/kernel/)
  })

  it('asks for the checkpoint a rewind to an epoch needs', async () => {
    await expect(run([{ train: { epochs: 2 } }, { iterate: { rounds: 1, prune: { sparsity: [0.5] }, rewind: { epoch: 1 } } }])).rejects.toThrow(
      'rewind: { epoch: 1 } needs the weights after epoch 1: add checkpoints: [1] to the train step before iterate.',
    )
  })

  it('reports every bad option at once, with its path', async () => {
    const error = await run([
      { iterate: { rounds: 2, prune: { strategy: 'magnitude', sparsity: [0.5], schedule: 'geometric' } } },
      { iterate: { rounds: 2, prune: { sparsity: [0.5] } } },
      { iterate: { rounds: 2, prune: { sparsity: [0.8, 0.5] } } },
      { iterate: { rounds: 2, prune: { strategy: 'magnitud', schedule: { name: 'geometrc', rate: 0.5 } }, metrics: ['acuracy'] } },
      { iterate: { rounds: 2, prune: { schedule: { name: 'polynomial', finalSparsity: 0.9, endStep: 2 }, threshold: 0.1 }, rewind: { epoch: 0 } } },
    ]).then(
      () => expect.unreachable('the config is invalid'),
      (e: unknown) => e as ConfigError,
    )
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'pipeline.0.iterate.prune: give either schedule (e.g. { name: geometric, rate: 0.5 }) or sparsity (one value per round), not both',
      'pipeline.1.iterate.prune.sparsity: gives 1 values for 2 rounds: give one per round',
      "pipeline.2.iterate.prune: round 2's sparsity 0.5 is below round 1's 0.8: masks only grow, so sparsities must not fall",
      'pipeline.3.iterate.prune.strategy: unknown strategy "magnitud". Did you mean "magnitude"? Known: magnitude, shrink',
      'pipeline.3.iterate.prune.schedule.name: unknown schedule "geometrc". Did you mean "geometric"? Known: constant, linear, polynomial, geometric',
      'pipeline.3.iterate.metrics.0: unknown metric "acuracy". Did you mean "accuracy"? Known: loss, accuracy, sparsity, params, layers, histograms, size, flops, latency, pattern, kernels, tensors',
      'pipeline.4.iterate.prune.threshold: the sparsity is set by the schedule (or the per-round list): remove threshold',
      'pipeline.4.iterate.rewind.epoch: Too small: expected number to be >=1',
    ])
  })
})
