import { PruneError } from '../errors.js'
import { countForSparsity } from '../selection.js'
import type { LayerCurve, SensitivityCurves, SensitivityPoint } from './curves.js'

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
  /** Weights this stretch of the layer's hull prunes. */
  count: number
  /** Cost per pruned weight. */
  slope: number
}

/** The lower convex hull of (pruned weights, cost), cut into segments of rising slope. */
function hullSegments(curve: LayerCurve, layer: number, cost: (p: SensitivityPoint) => number): Segment[] {
  const points = curve.points.map((p) => ({ k: countForSparsity(curve.weights, p.sparsity), c: cost(p) }))
  const hull: typeof points = []
  for (const p of points) {
    if (hull.length && p.k <= hull.at(-1)!.k) continue
    while (hull.length >= 2) {
      const [a, b] = [hull.at(-2)!, hull.at(-1)!]
      // Drop b when it lies on or above the line from a to p.
      if ((b.c - a.c) * (p.k - a.k) >= (p.c - a.c) * (b.k - a.k)) hull.pop()
      else break
    }
    hull.push(p)
  }
  return hull.slice(1).map((p, i) => ({ layer, count: p.k - hull[i].k, slope: (p.c - hull[i].c) / (p.k - hull[i].k) }))
}

/**
 * Per-layer counts that prune exactly `countForSparsity(total, sparsity)` of the probed layers' weights
 * with the least summed cost: greedy over each curve's lower convex hull, cheapest cost per weight first
 * (optimal for the hulls; the prediction then reads the measured curves, not the hulls).
 */
export function allocateSparsity(curves: SensitivityCurves, sparsity: number): Allocation {
  const data = curves.mode === 'data' && curves.baseline.loss !== null
  const baseLoss = curves.baseline.loss ?? 0
  const cost = data ? (p: SensitivityPoint) => (p.loss ?? baseLoss) - baseLoss : (p: SensitivityPoint) => p.massRemoved
  const total = curves.layers.reduce((n, l) => n + l.weights, 0)
  const target = countForSparsity(total, sparsity)
  const segments = curves.layers.flatMap((curve, i) => hullSegments(curve, i, cost))
  const reachable = segments.reduce((n, s) => n + s.count, 0)
  if (target > reachable) {
    const top = Math.max(...curves.layers.map((l) => l.points.at(-1)?.sparsity ?? 0))
    throw new PruneError(
      `allocation: sensitivity cannot reach sparsity ${sparsity}: the curves go up to ${top} per layer, so at most ${(reachable / total).toFixed(4)} of the probed weights. Add higher levels to the sensitivity step (levels: [..., 0.95, 0.99]) or lower the sparsity.`,
    )
  }
  segments.sort((a, b) => a.slope - b.slope || a.layer - b.layer)
  const pruned = curves.layers.map(() => 0)
  let left = target
  for (const segment of segments) {
    if (left === 0) break
    const take = Math.min(segment.count, left)
    pruned[segment.layer] += take
    left -= take
  }
  const layers = curves.layers.map((l, i) => ({ name: l.name, weights: l.weights, pruned: pruned[i], sparsity: pruned[i] / l.weights }))
  return { objective: data ? 'loss' : 'mass', layers, predicted: predict(curves, layers) }
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
