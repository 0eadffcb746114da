import { PruneError } from '../errors.js'
import { countForSparsity } from '../selection.js'
import type { LayerCurve, SensitivityCurves, SensitivityPoint } from './curves.js'
import { resourceSources, type BudgetResource } from './resources.js'

/** One layer's share of a global target. */
export interface LayerAllocation {
  name: string
  weights: number
  /** Weights to prune in this layer (the counts sum to the global target exactly). */
  pruned: number
  sparsity: number
}

export interface Allocation {
  /** What was minimised: the summed loss increase of the probes, or (data-free) the summed fraction of squared mass removed. */
  objective: 'loss' | 'mass'
  layers: LayerAllocation[]
  /** Predicted on the sensitivity split by adding up each layer's change from the baseline; null in data-free mode. */
  predicted: { loss: number | null; accuracy: number | null }
}

/** A curve's value at any sparsity: linear between the probed levels, the last one's beyond them. */
export function interpolate(points: readonly SensitivityPoint[], sparsity: number, value: (p: SensitivityPoint) => number): number {
  const last = points.at(-1)!
  if (sparsity >= last.sparsity) return value(last)
  let i = 1
  while (i < points.length - 1 && points[i].sparsity < sparsity) i++
  const [a, b] = [points[i - 1], points[i]]
  if (!b || b.sparsity === a.sparsity) return value(a)
  const t = (sparsity - a.sparsity) / (b.sparsity - a.sparsity)
  return value(a) + t * (value(b) - value(a))
}

interface Segment {
  layer: number
  /** What this stretch of the layer's hull takes: weights pruned, or bytes or MACs saved. */
  count: number
  /** Cost per unit taken. */
  slope: number
  /** The layer's sparsity at the stretch's ends. */
  from: number
  to: number
}

interface HullPoint {
  amount: number
  cost: number
  sparsity: number
}

/** The lower convex hull of (amount taken, cost), cut into segments of rising slope. */
function hullSegments(points: readonly HullPoint[], layer: number): Segment[] {
  const hull: HullPoint[] = []
  for (const p of points) {
    if (hull.length && p.amount <= hull.at(-1)!.amount) continue
    while (hull.length >= 2) {
      const [a, b] = [hull.at(-2)!, hull.at(-1)!]
      // Drop b when it lies on or above the line from a to p.
      if ((b.cost - a.cost) * (p.amount - a.amount) >= (p.cost - a.cost) * (b.amount - a.amount)) hull.pop()
      else break
    }
    hull.push(p)
  }
  return hull.slice(1).map((p, i) => ({ layer, count: p.amount - hull[i].amount, slope: (p.cost - hull[i].cost) / (p.amount - hull[i].amount), from: hull[i].sparsity, to: p.sparsity }))
}

/** Takes `target` from the segments, cheapest per unit first: each layer's amount taken and the sparsity it reaches. */
function takeCheapest(segments: Segment[], layers: number, target: number): Array<{ taken: number; sparsity: number }> {
  const taken = Array.from({ length: layers }, () => ({ taken: 0, sparsity: 0 }))
  let left = target
  for (const segment of [...segments].sort((a, b) => a.slope - b.slope || a.layer - b.layer)) {
    if (left <= 0) break
    const take = Math.min(segment.count, left)
    const layer = taken[segment.layer]
    layer.taken += take
    layer.sparsity = segment.from + ((segment.to - segment.from) * take) / segment.count
    left -= take
  }
  return taken
}

/** What the allocation minimises: the loss increase over the baseline, or (data-free) the squared mass removed. */
function costOf(curves: SensitivityCurves): { objective: Allocation['objective']; cost: (p: SensitivityPoint) => number } {
  if (curves.mode !== 'data' || curves.baseline.loss === null) return { objective: 'mass', cost: (p) => p.massRemoved }
  const base = curves.baseline.loss
  return { objective: 'loss', cost: (p) => (p.loss ?? base) - base }
}

const layerAllocation = (curve: LayerCurve, pruned: number): LayerAllocation => ({ name: curve.name, weights: curve.weights, pruned, sparsity: pruned / curve.weights })

/**
 * Per-layer counts that prune exactly `countForSparsity(total, sparsity)` of the probed layers' weights
 * with the least summed cost: greedy over each curve's lower convex hull, cheapest cost per weight first
 * (optimal for the hulls; the prediction then reads the measured curves, not the hulls).
 */
export function allocateSparsity(curves: SensitivityCurves, sparsity: number): Allocation {
  const { objective, cost } = costOf(curves)
  const total = curves.layers.reduce((n, l) => n + l.weights, 0)
  const target = countForSparsity(total, sparsity)
  const segments = curves.layers.flatMap((curve, i) => hullSegments(curve.points.map((p) => ({ amount: countForSparsity(curve.weights, p.sparsity), cost: cost(p), sparsity: p.sparsity })), i))
  const reachable = segments.reduce((n, s) => n + s.count, 0)
  if (target > reachable) {
    const top = Math.max(...curves.layers.map((l) => l.points.at(-1)?.sparsity ?? 0))
    throw new PruneError(
      `allocation: sensitivity cannot reach sparsity ${sparsity}: the curves go up to ${top} per layer, so at most ${(reachable / total).toFixed(4)} of the probed weights. Add higher levels to the sensitivity step (levels: [..., 0.95, 0.99]) or lower the sparsity.`,
    )
  }
  const layers = takeCheapest(segments, curves.layers.length, target).map((t, i) => layerAllocation(curves.layers[i], t.taken))
  return { objective, layers, predicted: predict(curves, layers) }
}

/** A limit on the pruned model's bytes or MACs (as the size and flops metrics count them). */
export interface Budget {
  /** bytes: of the sparse export (the size metric's `files.sparse`); macs: the flops metric's `effectiveMacs`. */
  resource: BudgetResource
  /** The most the pruned model may have. */
  limit: number
}

/** A curve's resource at each point, or an error naming the metric the sensitivity step did not have. */
function resourceOf(curves: SensitivityCurves, resource: BudgetResource): (p: SensitivityPoint) => number {
  const missing = curves.layers.some((l) => l.points.some((p) => p[resource] === undefined))
  if (missing || curves.baseline[resource] === undefined) {
    throw new PruneError(
      `prune.${resource}: the sensitivity curves hold no ${resource}, because no "${resourceSources[resource].metric}" metric was registered when they were measured. Add the @prunekit/metrics plugin (the CLI has it) or give sparsity instead.`,
    )
  }
  return (p) => p[resource]!
}

/**
 * Per-layer sparsities that bring the model's bytes or MACs, predicted by adding up each curve's saving
 * from its unpruned point to `dense` (default: the curves' baseline), within the budget with the least
 * summed cost: the same greedy along each curve's lower convex hull, the amount being the saving.
 */
export function allocateBudget(curves: SensitivityCurves, budget: Budget, dense?: number): Allocation {
  const { objective, cost } = costOf(curves)
  const value = resourceOf(curves, budget.resource)
  const start = dense ?? value(curves.baseline as SensitivityPoint)
  const segments = curves.layers.flatMap((curve, i) => hullSegments(curve.points.map((p) => ({ amount: value(curve.points[0]) - value(p), cost: cost(p), sparsity: p.sparsity })), i))
  const smallest = start - segments.reduce((n, s) => n + s.count, 0)
  if (budget.limit < smallest) {
    const top = Math.max(...curves.layers.map((l) => l.points.at(-1)?.sparsity ?? 0))
    throw new PruneError(
      `prune.${budget.resource}: ${budget.limit} is below the smallest the sensitivity curves reach, ${Math.ceil(smallest)} ${resourceSources[budget.resource].unit}, ` +
        `with every layer at its highest useful level (up to ${top}). Raise ${budget.resource} to at least ${Math.ceil(smallest)}, or add higher levels to the sensitivity step.`,
    )
  }
  const taken = takeCheapest(segments, curves.layers.length, start - budget.limit)
  const layers = taken.map((t, i) => layerAllocation(curves.layers[i], countForSparsity(curves.layers[i].weights, t.sparsity)))
  return { objective, layers, predicted: predict(curves, layers) }
}

/** The resource the additive model predicts for these sparsities: `dense` less each curve's saving at its sparsity. */
export function predictResource(curves: SensitivityCurves, layers: readonly LayerAllocation[], resource: BudgetResource, dense: number): number {
  const value = resourceOf(curves, resource)
  return layers.reduce((total, l, i) => total - (value(curves.layers[i].points[0]) - interpolate(curves.layers[i].points, l.sparsity, value)), dense)
}

/** The additive model: each layer's change from the baseline at its sparsity, summed over the layers. */
export function predict(curves: SensitivityCurves, layers: readonly LayerAllocation[]): Allocation['predicted'] {
  const sum = (base: number | null, value: (p: SensitivityPoint) => number | null) => {
    if (base === null || curves.mode !== 'data') return null
    let total = base
    layers.forEach((l, i) => (total += interpolate(curves.layers[i].points, l.sparsity, (p) => value(p) ?? base) - base))
    return total
  }
  return { loss: sum(curves.baseline.loss, (p) => p.loss), accuracy: sum(curves.baseline.accuracy, (p) => p.accuracy) }
}
