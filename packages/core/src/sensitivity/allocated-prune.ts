import { evaluateModel } from '../evaluate.js'
import { PruneError } from '../errors.js'
import type { MetricValue } from '../metric.js'
import type { RunContext } from '../registry.js'
import { applyStrategy } from '../sparsity-target.js'
import { allocateSparsity, interpolate, predict, type Allocation } from './allocate.js'
import { latestSensitivity, type LayerCurve, type SensitivityCurves } from './curves.js'
import { sliceSplit, withProber } from './probe.js'

/** What the prune step records when it allocated from sensitivity curves. */
export interface AllocationRecord extends Allocation {
  sparsity: number
  split: string | null
  /** Whether the curves were measured again around a first allocation (see {@link refineCurves}). */
  refined: boolean
  /** The allocation from the curves of single layers, before refining: its prediction, and the model it gives as measured. */
  firstPass?: Pick<Allocation, 'layers' | 'predicted'> & { measured: { loss: number | null; accuracy: number | null } }
  /** Loss and accuracy of the pruned model on the same split as the curves, to hold the prediction to. */
  measured: { loss: number | null; accuracy: number | null }
}

const noCurves =
  'prune: allocation: sensitivity needs the curves of a sensitivity step, and none ran before this prune step. ' +
  'Add one earlier in the pipeline, e.g. `- sensitivity: { strategy: magnitude }` after training.'

/** The strategy's options with these per-layer sparsities as overrides (every other layer left alone). */
function overridden(ctx: RunContext, strategy: string, options: Record<string, unknown>, sparsities: ReadonlyMap<string, number>): unknown {
  const overrides = { ...((options.overrides as Record<string, unknown> | undefined) ?? {}), ...Object.fromEntries([...sparsities].map(([name, sparsity]) => [name, { sparsity }])) }
  const parsed = ctx.registry.strategies.get(strategy).options.safeParse({ ...options, sparsity: 0, overrides })
  if (!parsed.success) throw new PruneError(`prune: strategy "${strategy}" takes no per-layer sparsity overrides, so allocation: sensitivity cannot drive it (${parsed.error.issues[0]?.message}).`)
  return parsed.data
}

const sparsities = (allocation: Allocation) => new Map(allocation.layers.map((l) => [l.name, l.sparsity]))

/**
 * The curves again, each layer probed with every other layer pruned to the first allocation: pruning
 * one layer costs more once the others are pruned, which curves of one layer alone miss. The baseline is
 * the first allocation as measured, and each curve passes through it.
 */
async function refineCurves(ctx: RunContext, curves: SensitivityCurves, first: Allocation, strategy: string, options: Record<string, unknown>): Promise<SensitivityCurves> {
  const around = sparsities(first)
  return withProber(ctx.model, ctx.data, ctx.registry, strategy, curves.split ?? undefined, ctx.config.seed, async (probe) => {
    const { massRemoved: _, ...baseline } = await probe(overridden(ctx, strategy, options, around))
    const layers: LayerCurve[] = []
    for (const curve of curves.layers) {
      const own = around.get(curve.name)!
      const levels = [...new Set([...curve.points.map((p) => p.sparsity), own])].sort((a, b) => a - b)
      const points = []
      for (const sparsity of levels) {
        const massRemoved = interpolate(curve.points, sparsity, (p) => p.massRemoved)
        const measured = sparsity === own ? baseline : await probe(overridden(ctx, strategy, options, new Map(around).set(curve.name, sparsity)))
        points.push({ ...measured, sparsity, massRemoved })
      }
      layers.push({ ...curve, points })
    }
    return { ...curves, baseline, layers }
  })
}

/**
 * Chooses per-layer sparsities from the latest sensitivity curves that meet `sparsity` over the probed
 * layers exactly (with data, chosen again from curves measured around the first choice), prunes with
 * them as per-layer overrides, and records the prediction (the single-layer curves, added up) beside
 * the measurement on the same rows.
 */
export async function pruneWithAllocation(ctx: RunContext, strategy: string, options: Record<string, unknown>, target: { sparsity: number; refine: boolean }): Promise<AllocationRecord> {
  const curves = latestSensitivity(ctx.history)
  if (!curves) throw new PruneError(noCurves)
  const first = allocateSparsity(curves, target.sparsity)
  const refined = target.refine && curves.mode === 'data' && curves.split !== null
  const around = refined ? await refineCurves(ctx, curves, first, strategy, options) : undefined
  // The refined curves choose the layers' sparsities; the prediction stays the single-layer curves' additive one.
  const chosen = around ? allocateSparsity(around, target.sparsity) : first
  const allocation = { ...chosen, predicted: predict(curves, chosen.layers) }
  const pruned = await applyStrategy(ctx, strategy, overridden(ctx, strategy, options, sparsities(allocation)))
  let measured: AllocationRecord['measured'] = { loss: null, accuracy: null }
  const sliced = curves.split ? sliceSplit(ctx.data, curves.split) : undefined
  if (sliced) {
    try {
      const e = await evaluateModel(pruned, sliced, ctx.data.task)
      measured = { loss: e.loss, accuracy: Number.isNaN(e.accuracy) ? null : e.accuracy }
    } finally {
      sliced.x.dispose()
      sliced.y.dispose()
    }
  }
  const record: AllocationRecord = { ...allocation, sparsity: target.sparsity, split: curves.split, refined, ...(around ? { firstPass: { layers: first.layers, predicted: first.predicted, measured: around.baseline } } : {}), measured }
  await ctx.snapshot({ label: 'allocation', step: ctx.step.index, metrics: { allocation: record as unknown as MetricValue } })
  return record
}

/** `allocated from sensitivity: dense_1 93.2%, ...; predicted accuracy 0.9512, measured 0.9498 on train[6000:8000]`. */
export function describeAllocation(record: AllocationRecord): string {
  const layers = record.layers.map((l) => `${l.name} ${(100 * l.sparsity).toFixed(1)}%`).join(', ')
  const [p, m] = [record.predicted.accuracy, record.measured.accuracy]
  const check = p !== null && m !== null ? `; predicted accuracy ${p.toFixed(4)}, measured ${m.toFixed(4)} on ${record.split}` : ''
  const first = record.firstPass
  const before = first?.predicted.accuracy != null && first.measured.accuracy !== null ? ` (first pass ${first.layers.map((l) => `${(100 * l.sparsity).toFixed(1)}%`).join(', ')}: predicted ${first.predicted.accuracy.toFixed(4)}, measured ${first.measured.accuracy.toFixed(4)})` : ''
  return `allocated from sensitivity: ${layers}${check}${before}`
}
