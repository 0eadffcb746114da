import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  PrunableModel,
  type ConfigError,
  createRegistry,
  defineSchedule,
  defineStep,
  defineStrategy,
  definePlugin,
  magnitude,
  runPipeline,
  setupBackend,
  type ConfigInput,
  type PruningStrategy,
  type Registry,
} from '../src/index.js'
import { shrink, stairs, tinyPlugin, tinyConfig } from './fixtures.js'

// The fixture's 240 samples in batches of 32 make 8 optimizer steps per epoch.
const kernels = 6 * 8 + 8 * 5 + 5 * 3

/** Magnitude pruning that records the sparsity of every call. */
function spy(calls: number[]): PruningStrategy<unknown> {
  return defineStrategy({
    ...(magnitude as PruningStrategy<unknown>),
    name: 'spy',
    prune(model, request, ctx) {
      calls.push((request.options as { sparsity: number }).sparsity)
      return magnitude.prune(model, request as never, ctx)
    },
  })
}

function registry(calls: number[] = []): Registry {
  const extras = definePlugin({
    name: 'gradual-test',
    register(r) {
      r.schedules.add(stairs)
      r.strategies.add(spy(calls))
      r.strategies.add(shrink)
    },
  })
  return createRegistry({ plugins: [tinyPlugin, extras] })
}

const config = (pipeline: ConfigInput['pipeline']): ConfigInput => tinyConfig(pipeline)

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('gradual pruning in train and finetune', () => {
  it('re-runs the strategy whenever the scheduled sparsity changes, and ends at its last value', async () => {
    const calls: number[] = []
    const result = await runPipeline(
      config([
        { train: { epochs: 2, prune: { strategy: 'spy', schedule: { name: 'stairs', every: 4, by: 0.2, max: 0.8 } } } },
        { evaluate: { label: 'gradual' } },
      ]),
      { registry: registry(calls) },
    )
    // Steps 0..16: the target changes at steps 4, 8, 12 and 16.
    expect(calls.map((s) => s.toFixed(1))).toEqual(['0.2', '0.4', '0.6', '0.8'])
    expect(result.snapshots[0].metrics.zeros).toBe(Math.round(0.8 * kernels))
    expect(result.steps[0].summary).toMatch(/spy on a stairs schedule: 4 prune\(s\), now at 80\.00% sparsity$/)
  })

  it('prunes before the first step when the schedule starts above zero', async () => {
    const calls: number[] = []
    await runPipeline(config([{ finetune: { epochs: 1, prune: { strategy: 'spy', schedule: { name: 'stairs', every: 100, by: 0, max: 0 } } } }]), { registry: registry(calls) })
    expect(calls).toEqual([])
    await runPipeline(config([{ finetune: { epochs: 1, prune: { strategy: 'spy', schedule: { name: 'stairs', every: 1000, by: 0.5, max: 0.5 } } } }]), { registry: registry(calls) })
    expect(calls).toEqual([])
    const constant = defineSchedule({ name: 'half', description: 'test', options: z.object({}).strict(), create: () => () => 0.5 })
    const r = registry(calls)
    r.schedules.add(constant)
    const result = await runPipeline(config([{ finetune: { epochs: 1, prune: { strategy: 'spy', schedule: 'half' } } }, { evaluate: {} }]), { registry: r })
    expect(calls).toEqual([0.5])
    expect(result.snapshots[0].metrics.zeros).toBe(Math.round(0.5 * kernels))
  })

  it('keeps masks growing: weights pruned early stay zero to the end', async () => {
    const zerosAt: number[][] = []
    const r = registry()
    r.metrics.add({
      name: 'zero-ids',
      description: 'indices of zero kernel weights',
      compute: async (ctx) => {
        const values = await Promise.all(ctx.model.weights().filter((w) => w.kind === 'kernel').map(async (w) => [...(await w.variable.read().data())]))
        const ids = values.flat().flatMap((v, i) => (v === 0 ? [i] : []))
        zerosAt.push(ids)
        return ids.length
      },
    })
    await runPipeline(
      config([
        { train: { epochs: 1, prune: { strategy: 'magnitude', schedule: { name: 'stairs', every: 8, by: 0.3, max: 0.3 } } } },
        { evaluate: {} },
        { finetune: { epochs: 1, prune: { strategy: 'magnitude', schedule: { name: 'stairs', every: 4, by: 0.35, max: 0.7 } } } },
        { evaluate: {} },
      ]),
      { registry: r },
    )
    const [early, late] = zerosAt
    expect(early.length).toBe(Math.round(0.3 * kernels))
    expect(late.length).toBe(Math.round(0.7 * kernels))
    expect(late).toEqual(expect.arrayContaining(early))
  })

  it('follows a structured strategy that replaces the model mid-fit, without leaking tensors', async () => {
    const pipeline = [
      { train: { epochs: 2, prune: { strategy: 'shrink', schedule: { name: 'stairs', every: 5, by: 0.25, max: 0.5 } } } },
      { evaluate: { label: 'shrunk' } },
      { finetune: { epochs: 1 } },
      { evaluate: { label: 'tuned' } },
    ]
    const first = await runPipeline(config(pipeline), { registry: registry(), keepModel: true })
    expect(first.model!.model.getWeights()[0].shape).toEqual([6, 4])
    expect(first.snapshots[1].metrics.accuracy).toBeGreaterThan(0.6)
    first.model!.dispose()
    const before = tf.memory().numTensors
    await runPipeline(config(pipeline), { registry: registry() })
    expect(tf.memory().numTensors).toBe(before)
  })

  it('hands the next step the optimizer state of every step, across a model rebuilt mid-fit', async () => {
    const r = registry()
    const seen: Array<{ iterations: number; shapes: string; moved: boolean }> = []
    r.steps.add(
      defineStep({
        name: 'optimizer-probe',
        description: 'records the run\'s adam state',
        options: z.object({}).strict(),
        async run(ctx) {
          const adam = ctx.slot.optimizer('adam', 0.01).optimizer as unknown as { iterations_: number; accumulatedFirstMoment: Array<{ variable: tf.Variable }> }
          const moments = adam.accumulatedFirstMoment.map((s) => s.variable)
          seen.push({
            iterations: adam.iterations_,
            shapes: moments.map((m) => m.shape.join('x')).join(' '),
            moved: moments.every((m) => m.dataSync().some((v) => v !== 0)),
          })
        },
      }),
    )
    // 240 samples in batches of 32: 8 steps an epoch. The schedule rebuilds the model at step 2.
    await runPipeline(
      config([
        { train: { epochs: 2, prune: { strategy: 'shrink', schedule: { name: 'stairs', every: 2, by: 0.5, max: 0.5 } } } },
        'optimizer-probe',
        { finetune: { epochs: 1 } },
        'optimizer-probe',
      ]),
      { registry: r },
    )
    const shapes = '6x4 4 4x5 5 5x3 3'
    expect(seen).toEqual([
      { iterations: 16, shapes, moved: true },
      { iterations: 24, shapes, moved: true },
    ])
  })

  it('saves the weights after the epochs listed in checkpoints', async () => {
    const r = registry()
    let saved: string[] = []
    r.steps.add({
      name: 'peek',
      description: 'lists checkpoints',
      options: z.object({}).strict(),
      async run(ctx) {
        saved = ctx.slot.checkpoints.names()
        const epoch1 = ctx.slot.checkpoints.weight('epoch-1', 'dense_1/kernel')!
        const now = await ctx.model.weights()[0].variable.read().data()
        expect([...(await epoch1.data())]).not.toEqual([...now])
        epoch1.dispose()
      },
    })
    await runPipeline(config([{ train: { epochs: 3, checkpoints: [1, 3] } }, { peek: {} }]), { registry: r })
    expect(saved).toEqual(['init', 'epoch-1', 'epoch-3'])
  })

  it('reports bad prune options with their full paths, all at once', async () => {
    const error = await runPipeline(
      config([
        { finetune: { prune: { strategy: 'magnitud', schedule: 'stair' } } },
        { train: { epochs: 2, checkpoints: [3], prune: { strategy: 'magnitude', schedule: { name: 'stairs', every: 0, by: 0.1, max: 0.5 }, sparsity: 0.5, scope: 'everywhere' } } },
        { finetune: { prune: { strategy: 'magnitude' } } },
      ]),
      { registry: registry() },
    ).then(
      () => expect.unreachable('the config is invalid'),
      (e: unknown) => e as ConfigError,
    )
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'pipeline.0.finetune.prune.schedule: unknown schedule "stair". Did you mean "stairs"? Known: constant, linear, polynomial, geometric, stairs',
      'pipeline.0.finetune.prune.strategy: unknown strategy "magnitud". Did you mean "magnitude"? Known: magnitude, spy, shrink',
      'pipeline.1.train.prune.schedule.every: Too small: expected number to be >0',
      'pipeline.1.train.prune.sparsity: the sparsity is set by the schedule (or the per-round list): remove sparsity',
      'pipeline.1.train.prune.scope: Invalid option: expected one of "global"|"layer"',
      'pipeline.1.train.checkpoints.0: epoch 3 is past the last epoch (2)',
      'pipeline.2.finetune.prune.schedule: required: a schedule name, or { name, ...options } (e.g. { name: polynomial, finalSparsity: 0.9, endStep: 1000 })',
    ])
  })
})
