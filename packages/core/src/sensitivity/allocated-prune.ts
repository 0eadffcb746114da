import { evaluateModel } from '../evaluate.js'
import { PruneError } from '../errors.js'
import type { MetricValue } from '../metric.js'
import type { RunContext } from '../registry.js'
import { applyStrategy } from '../sparsity-target.js'
import { allocateBudget, allocateSparsity, interpolate, predictResource, type Allocation, type Budget } from './allocate.js'
import { curveLayers, latestSensitivity, type LayerCurve, type SensitivityCurves } from './curves.js'
import { sliceSplit, withProber } from './probe.js'
import { measureResources, resourceSources } from './resources.js'

/** What the allocation must meet: a global sparsity over the probed weights, or a byte or MAC budget; and whether to refine. */
export type AllocationTarget = ({ sparsity: number } | { budget: Budget }) & { refine: boolean }

/** What the prune step records when it allocated from sensitivity curves. */
export interface AllocationRecord extends Allocation {
  /** The global sparsity over the probed weights: the target, or with a budget the one the allocation reached. */
  sparsity: number
  /** With a budget: the limit, the bytes or MACs the curves predicted, and those of the pruned model. */
  budget?: Budget & { predicted: number; measured: number }
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

/**
 * The strategy's options with these per-curve sparsities as overrides (every other layer left alone);
 * a group's override is keyed by its first layer, which the strategy applies to the whole group.
 */
function overridden(ctx: RunContext, curves: SensitivityCurves, strategy: string, options: Record<string, unknown>, sparsities: ReadonlyMap<string, number>): unknown {
  const key = (name: string) => curveLayers(curves.layers.find((l) => l.name === name) ?? { name })[0]
  const overrides = { ...((options.overrides as Record<string, unknown> | undefined) ?? {}), ...Object.fromEntries([...sparsities].map(([name, sparsity]) => [key(name), { sparsity }])) }
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
    const { massRemoved: _, ...baseline } = await probe(overridden(ctx, curves, strategy, options, around))
    const layers: LayerCurve[] = []
    for (const curve of curves.layers) {
      const own = around.get(curve.name)!
      const levels = [...new Set([...curve.points.map((p) => p.sparsity), own])].sort((a, b) => a - b)
      const points = []
      for (const sparsity of levels) {
        const massRemoved = interpolate(curve.points, sparsity, (p) => p.massRemoved)
        const measured = sparsity === own ? baseline : await probe(overridden(ctx, curves, strategy, options, new Map(around).set(curve.name, sparsity)))
        points.push({ ...measured, sparsity, massRemoved })
      }
      layers.push({ ...curve, points })
    }
    return { ...curves, baseline, layers }
  })
}

const choose = (curves: SensitivityCurves, target: AllocationTarget, dense?: number): Allocation =>
  'budget' in target ? allocateBudget(curves, target.budget, dense) : allocateSparsity(curves, target.sparsity)

// Bytes are only piecewise linear between the probed levels (the sparse format changes encoding): a few corrections suffice.
const budgetTries = 6

/**
 * Tightens a budget allocation until the model it prunes (on a copy) measures within the budget: each
 * try asks the curves for the overshoot less.
 */
async function meetBudget(ctx: RunContext, curves: SensitivityCurves, chosen: Allocation, budget: Budget, dense: number, strategy: string, options: Record<string, unknown>): Promise<Allocation> {
  return withProber(ctx.model, ctx.data, ctx.registry, strategy, undefined, ctx.config.seed, async (probe) => {
    let [allocation, limit] = [chosen, budget.limit]
    for (let tries = 1; ; tries++) {
      const measured = (await probe(overridden(ctx, curves, strategy, options, sparsities(allocation))))[budget.resource]!
      if (measured <= budget.limit) return allocation
      if (tries === budgetTries) break
      limit -= measured - budget.limit
      try {
        allocation = allocateBudget(curves, { ...budget, limit }, dense)
      } catch {
        break // the curves cannot save the overshoot too
      }
    }
    throw new PruneError(
      `prune.${budget.resource}: ${budget.limit} was not met: the model pruned as the curves predict still measures more ${resourceSources[budget.resource].unit}. Raise ${budget.resource}, or probe more levels in the sensitivity step.`,
    )
  })
}

/**
 * Chooses per-layer sparsities from the latest sensitivity curves that meet the target: `sparsity` over
 * the probed layers exactly, or a byte or MAC budget (checked on a copy before the real prune), with the
 * least predicted loss (with data, chosen again from curves measured around the first choice). Prunes
 * with them as per-layer overrides, and records the prediction (the choosing curves' changes, added up)
 * beside the measurement on the same rows.
 */
export async function pruneWithAllocation(ctx: RunContext, strategy: string, options: Record<string, unknown>, target: AllocationTarget): Promise<AllocationRecord> {
  const curves = latestSensitivity(ctx.history)
  if (!curves) throw new PruneError(noCurves)
  const budget = 'budget' in target ? target.budget : undefined
  const dense = budget && curves.baseline[budget.resource]
  const first = choose(curves, target)
  const refined = target.refine && curves.mode === 'data' && curves.split !== null
  const around = refined ? await refineCurves(ctx, curves, first, strategy, options) : undefined
  let chosen = around ? choose(around, target, dense) : first
  if (budget) chosen = await meetBudget(ctx, around ?? curves, chosen, budget, dense!, strategy, options)
  // Predicted from the curves that chose it: the refined ones add up each layer's change around the first allocation as measured.
  const allocation = chosen
  const pruned = await applyStrategy(ctx, strategy, overridden(ctx, curves, strategy, options, sparsities(allocation)))
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
  const total = allocation.layers.reduce((n, l) => n + l.weights, 0)
  const sparsity = 'sparsity' in target ? target.sparsity : allocation.layers.reduce((n, l) => n + l.pruned, 0) / total
  const spent = budget && { ...budget, predicted: predictResource(around ?? curves, allocation.layers, budget.resource, dense!), measured: (await measureResources(pruned, ctx.data, ctx.registry))[budget.resource]! }
  const record: AllocationRecord = {
    ...allocation,
    sparsity,
    ...(spent ? { budget: spent } : {}),
    split: curves.split,
    refined,
    ...(around ? { firstPass: { layers: first.layers, predicted: first.predicted, measured: around.baseline } } : {}),
    measured,
  }
  await ctx.snapshot({ label: 'allocation', step: ctx.step.index, metrics: { allocation: record as unknown as MetricValue } })
  return record
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

/** `allocated from sensitivity: dense_1 93.2%, ...; predicted accuracy 0.9512, measured 0.9498 on train[6000:8000]`. */
export function describeAllocation(record: AllocationRecord): string {
  const layers = record.layers.map((l) => `${l.name} ${(100 * l.sparsity).toFixed(1)}%`).join(', ')
  const [p, m] = [record.predicted.accuracy, record.measured.accuracy]
  const check = p !== null && m !== null ? `; predicted accuracy ${p.toFixed(4)}, measured ${m.toFixed(4)} on ${record.split}` : ''
  const first = record.firstPass
  const before = first?.predicted.accuracy != null && first.measured.accuracy !== null ? ` (first pass ${first.layers.map((l) => `${(100 * l.sparsity).toFixed(1)}%`).join(', ')}: predicted ${first.predicted.accuracy.toFixed(4)}, measured ${first.measured.accuracy.toFixed(4)})` : ''
  const budget = record.budget && `; ${record.budget.resource} ${fmt(record.budget.measured)} (budget ${fmt(record.budget.limit)}, predicted ${fmt(record.budget.predicted)})`
  return `allocated from sensitivity: ${layers}${budget ?? ''}${check}${before}`
}
