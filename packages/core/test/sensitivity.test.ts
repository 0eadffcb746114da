import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  ConfigError,
  createRegistry,
  defineStep,
  definePlugin,
  evaluateModel,
  PruneError,
  readSensitivity,
  runPipeline,
  setupBackend,
  type AllocationRecord,
  type ConfigInput,
  type RunContext,
  type SensitivityCurves,
} from '../src/index.js'
import { tinyPlugin, tinyConfig } from './fixtures.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

const config = (pipeline: ConfigInput['pipeline']): ConfigInput => tinyConfig(pipeline)

type Step = (ctx: RunContext) => Promise<void>

/** The tiny plugin plus a `probe` step that runs the given function on the run's context (blobs with `validation` rows held out). */
function run(pipeline: ConfigInput['pipeline'], probe: Step = async () => {}, validation = 0) {
  const plugin = definePlugin({
    name: 'probe',
    register: (registry) => registry.steps.add(defineStep({ name: 'probe', description: 'test hook', options: z.object({}).default({}), run: async (ctx) => void (await probe(ctx)) })),
  })
  const registry = createRegistry({ plugins: [tinyPlugin, plugin] })
  const base = config(pipeline)
  return runPipeline({ ...base, data: { dataset: 'blobs', validation } }, { registry })
}

const curvesOf = (snapshots: { label: string; metrics: Record<string, unknown> }[]): SensitivityCurves[] =>
  snapshots.flatMap((s) => {
    const curves = readSensitivity(s as never)
    return curves ? [curves] : []
  })

/** By hand: zero the `count` smallest |w| of one layer's kernel (ties: the earlier index first). */
function pruneByHand(values: Float32Array, count: number): Float32Array {
  const order = Array.from(values.keys()).sort((a, b) => Math.abs(values[a]) - Math.abs(values[b]) || a - b)
  const pruned = values.slice()
  for (const i of order.slice(0, count)) pruned[i] = 0
  return pruned
}

const squares = (v: Float32Array) => v.reduce((s, x) => s + x * x, 0)
const levels = [0.25, 0.5, 0.9]

describe('the sensitivity step', () => {
  it('measures each layer pruned alone, as pruning it by hand and evaluating on the last rows of train does', async () => {
    const expected: Record<string, Array<{ sparsity: number; loss: number; accuracy: number; massRemoved: number }>> = {}
    const reference: Step = async (ctx) => {
      const rows = { x: tf.slice(ctx.data.train.x, [150], [90]), y: tf.slice(ctx.data.train.y, [150], [90]), size: 90 }
      for (const ref of ctx.model.weights().filter((r) => r.shape.length === 2)) {
        const original = ref.variable.read().clone()
        const values = new Float32Array(original.dataSync())
        expected[ref.layerName] = []
        for (const level of levels) {
          const pruned = pruneByHand(values, Math.round(level * values.length))
          ref.variable.write(tf.tensor(pruned, ref.shape))
          const e = await evaluateModel(ctx.model, rows, ctx.data.task)
          expected[ref.layerName].push({ sparsity: level, loss: e.loss, accuracy: e.accuracy, massRemoved: 1 - squares(pruned) / squares(values) })
        }
        ref.variable.write(original)
        original.dispose()
      }
      tf.dispose([rows.x, rows.y])
    }
    const result = await run([{ train: { epochs: 3 } }, 'probe', { sensitivity: { levels, samples: 90 } }, { sensitivity: { levels, mode: 'data-free' } }], reference)
    const [withData, dataFree] = curvesOf(result.snapshots)
    expect(withData.split).toBe('train[150:240]')
    expect(withData.layers.map((l) => [l.name, l.weights])).toEqual([['dense_1', 48], ['dense_2', 40], ['output', 15]])
    for (const layer of withData.layers) {
      expect(layer.points[0]).toEqual({ sparsity: 0, massRemoved: 0, ...withData.baseline })
      layer.points.slice(1).forEach((p, i) => {
        const want = expected[layer.name][i]
        expect(p.sparsity).toBe(want.sparsity)
        expect(p.accuracy).toBeCloseTo(want.accuracy, 10)
        expect(p.loss).toBeCloseTo(want.loss, 5)
        expect(p.massRemoved).toBeCloseTo(want.massRemoved, 5)
      })
    }
    // Data-free: the same squared mass removed, no evaluation.
    expect(dataFree.split).toBeNull()
    expect(dataFree.baseline).toEqual({ loss: null, accuracy: null })
    dataFree.layers.forEach((layer, l) => {
      expect(layer.points.map((p) => [p.loss, p.accuracy])).toEqual(layer.points.map(() => [null, null]))
      layer.points.slice(1).forEach((p, i) => expect(p.massRemoved).toBeCloseTo(withData.layers[l].points[i + 1].massRemoved, 6))
    })
  })

  it('leaves the model, its masks and its optimizer state as they were, and no tensor behind', async () => {
    const seen: Array<{ weights: number[][]; optimizer: number[][]; masks: number; tensors: number }> = []
    const capture: Step = async (ctx) => {
      const tensors = tf.memory().numTensors
      const optimizer = await ctx.slot.optimizer('adam', 0.01).optimizer.getWeights()
      seen.push({
        weights: ctx.model.weights('all').map((r) => Array.from(r.variable.read().dataSync())),
        optimizer: optimizer.map((w) => Array.from(w.tensor.dataSync())),
        masks: ctx.model.masks.size,
        tensors,
      })
      // getWeights() makes a new scalar for the iteration count.
      optimizer.filter((w) => w.name === 'iter').forEach((w) => w.tensor.dispose())
    }
    await run([{ train: { epochs: 2 } }, { prune: { sparsity: 0.3 } }, 'probe', { sensitivity: { levels: [0.5, 0.95], samples: 60 } }, 'probe'], capture)
    const [before, after] = seen
    expect(before.optimizer.length).toBeGreaterThan(0)
    expect(before.masks).toBe(3)
    expect(after.tensors).toBe(before.tensors)
    expect(after.masks).toBe(before.masks)
    expect(after.optimizer).toEqual(before.optimizer)
    expect(after.weights).toEqual(before.weights)
  })
})

describe('the split the probes use', () => {
  const pipeline = (split?: string): ConfigInput['pipeline'] => [
    { train: { epochs: 3 } },
    { evaluate: { label: 'validation before', split: 'validation', metrics: ['loss', 'accuracy'] } },
    { sensitivity: { levels: [0.5, 0.9], samples: 500, ...(split ? { split } : {}) } },
    { prune: { allocation: 'sensitivity', sparsity: 0.6, refine: false } },
    { evaluate: { label: 'validation after', split: 'validation', metrics: ['loss', 'accuracy'] } },
  ]

  it('is the validation split when the dataset holds one out: the curves and the allocation are measured on it', async () => {
    const result = await run(pipeline(), undefined, 75)
    const [curves] = curvesOf(result.snapshots)
    const metricsOf = (label: string) => result.snapshots.find((s) => s.label === label)!.metrics
    const record = metricsOf('allocation').allocation as unknown as AllocationRecord
    expect(curves.split).toBe('validation[0:75]')
    expect(record.split).toBe('validation[0:75]')
    // The evaluate step measures the same 75 held-out rows.
    expect(curves.baseline.loss).toBeCloseTo(metricsOf('validation before').loss as number, 6)
    expect(curves.baseline.accuracy).toBe(metricsOf('validation before').accuracy)
    expect(record.measured.loss).toBeCloseTo(metricsOf('validation after').loss as number, 6)
    expect(record.measured.accuracy).toBe(metricsOf('validation after').accuracy)
    expect(result.steps[2].summary).toMatch(/^3 layers probed on validation\[0:75\]; /)
    expect(result.steps[3].summary).toMatch(/measured [\d.]+ on validation\[0:75\]/)
  })

  it('stays the last rows of train without a validation split, and test when asked', async () => {
    const [train] = curvesOf((await run(pipeline().filter((e) => !JSON.stringify(e).includes('validation')))).snapshots)
    expect(train.split).toBe('train[0:240]')
    const [test] = curvesOf((await run(pipeline('test'), undefined, 75)).snapshots)
    expect(test.split).toBe('test[0:90]')
  })

  it('says to hold out validation rows when split: validation finds none', async () => {
    const failed = run([{ sensitivity: { split: 'validation' } }])
    await expect(failed).rejects.toThrow(/sensitivity: split: validation, but dataset "blobs" holds out none\. Give the dataset a validation size \(data\.validation: 2000\)/)
  })
})

describe('prune: { allocation: sensitivity }', () => {
  it.each(['data', 'data-free'] as const)('meets the global sparsity exactly (%s), counting the zeroed weights', async (mode) => {
    const result = await run([{ train: { epochs: 3 } }, { sensitivity: { mode, samples: 90 } }, { prune: { allocation: 'sensitivity', sparsity: 0.7 } }, { evaluate: { label: 'pruned', metrics: ['zeros', 'accuracy'] } }])
    const record = result.snapshots.find((s) => s.label === 'allocation')!.metrics.allocation as unknown as AllocationRecord
    const pruned = result.snapshots.find((s) => s.label === 'pruned')!
    const total = 48 + 40 + 15
    expect(pruned.metrics.zeros).toBe(Math.round(0.7 * total))
    expect(record.layers.reduce((n, l) => n + l.pruned, 0)).toBe(Math.round(0.7 * total))
    expect(record.objective).toBe(mode === 'data' ? 'loss' : 'mass')
    if (mode === 'data') {
      expect(record.predicted.accuracy).toBeGreaterThan(0)
      expect(record.measured.accuracy).toBeGreaterThan(0)
    } else expect(record.predicted).toEqual({ loss: null, accuracy: null })
  })

  it('leaves no tensor behind but the masks it adds, refine included', async () => {
    const seen: Array<{ tensors: number; masks: number }> = []
    const count: Step = async (ctx) => void seen.push({ tensors: tf.memory().numTensors, masks: ctx.model.masks.size })
    await run([{ train: { epochs: 1 } }, { sensitivity: { levels: [0.5, 0.9], samples: 60 } }, 'probe', { prune: { allocation: 'sensitivity', sparsity: 0.6 } }, 'probe'], count)
    const [before, after] = seen
    expect([before.masks, after.masks]).toEqual([0, 3])
    expect(after.tensors - before.tensors).toBe(3)
  })

  it('says to add a sensitivity step when none ran before', async () => {
    const failed = run([{ train: { epochs: 1 } }, { prune: { allocation: 'sensitivity', sparsity: 0.5 } }])
    await expect(failed).rejects.toThrow(/allocation: sensitivity needs the curves of a sensitivity step, and none ran before this prune step\. Add one/)
  })

  it.each([
    [{ prune: { allocation: 'sensitivity', threshold: 0.1 } }, 'pipeline.0.prune.sparsity: allocation: sensitivity needs the global target as sparsity'],
    [{ prune: { allocation: 'nni', sparsity: 0.5 } }, 'pipeline.0.prune.allocation'],
    [{ sensitivity: { sparsity: 0.5 } }, 'pipeline.0.sensitivity.sparsity: the sparsity is set by the schedule'],
    [{ sensitivity: { levels: [0] } }, 'pipeline.0.sensitivity.levels.0'],
    [{ prune: { allocation: 'sensitivity', sparsity: 0.5, bytes: 1000 } }, 'pipeline.0.prune.bytes: give one target, not sparsity and bytes'],
    [{ prune: { sparsity: 0.5, macs: 1000 } }, 'pipeline.0.prune.macs: macs only applies with allocation: sensitivity'],
    [{ prune: { allocation: 'sensitivity', bytes: 0 } }, 'pipeline.0.prune.bytes: Too small'],
  ])('rejects %j before the run starts', async (entry, message) => {
    const failed = run([entry as never])
    await expect(failed).rejects.toThrow(ConfigError)
    await expect(run([entry as never])).rejects.toThrow(message)
  })

  it('rejects a target beyond the probed levels with the levels to add', async () => {
    const failed = run([{ sensitivity: { levels: [0.5], mode: 'data-free' } }, { prune: { allocation: 'sensitivity', sparsity: 0.8 } }])
    await expect(failed).rejects.toMatchObject({ cause: expect.any(PruneError) })
    await expect(failed).rejects.toThrow(/cannot reach sparsity 0.8: the curves go up to 0.5 per layer/)
  })
})
