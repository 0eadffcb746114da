import type { GroupId } from './layout.js'

/** A group that may lose units, with one score per unit (higher survives). */
export interface Candidate {
  id: GroupId
  scores: Float64Array
  /** Cut this group on its own by this fraction of its current units (a per-layer override); otherwise it follows the options. */
  ratio?: number
  /** Or cut this group on its own until this fraction of its units as built is gone. */
  sparsity?: number
  /** Units the group had when the model was built (default: as many as it has now). */
  origin?: number
  /** Most units this group may lose, as a fraction of its units as built (overrides the global maxRatio). */
  maxRatio?: number
}

export interface AllocationOptions {
  /** Fraction of the current units to remove... */
  ratio?: number
  /** ...or fraction of the units as built that are gone afterwards (one of the two). */
  sparsity?: number
  scope: 'global' | 'layer'
  /** No group loses more than this fraction of its units as built. */
  maxRatio: number
  /** Kept counts are multiples of this (unless a group keeps every unit). */
  roundTo: number
}

/** Fewest units a group of `size` may keep: at least one, and at least (1 - maxRatio) of them. */
export function minimumKept(size: number, maxRatio: number): number {
  return Math.max(1, size - Math.floor(maxRatio * size + 1e-9))
}

/** A fraction to remove: of the units there are now (ratio), or of the units as built (sparsity). */
interface Fraction {
  ratio?: number
  sparsity?: number
}

/** Units to remove from `size` (of `origin` as built) for a fraction; none when the sparsity is reached already. */
function removalsFor({ ratio, sparsity }: Fraction, size: number, origin: number): number {
  if (ratio !== undefined) return Math.round(ratio * size)
  return Math.max(0, size - (origin - Math.round(sparsity! * origin)))
}

const originOf = (c: Candidate): number => Math.max(c.origin ?? c.scores.length, c.scores.length)
/** The candidate's floor: (1 - maxRatio) of its units as built, never more than it has. */
const floorOf = (c: Candidate, maxRatio: number): number => Math.min(c.scores.length, minimumKept(originOf(c), c.maxRatio ?? maxRatio))

/** Rounds a kept count to the nearest multiple of `roundTo`, never below the minimum, never above the size. */
export function roundKept(kept: number, size: number, minimum: number, roundTo: number): number {
  if (roundTo <= 1) return Math.min(size, Math.max(kept, minimum))
  let rounded = Math.round(kept / roundTo) * roundTo
  if (rounded < minimum) rounded = Math.ceil(minimum / roundTo) * roundTo
  return Math.min(size, Math.max(rounded, roundTo))
}

const orderable = (x: number): number => (Number.isNaN(x) ? -Infinity : x)

/** Indices of the `count` highest scores (ties: the lower index survives), ascending. */
export function topUnits(scores: Float64Array, count: number): Int32Array {
  const order = Array.from(scores.keys()).sort((a, b) => orderable(scores[b]) - orderable(scores[a]) || a - b)
  return Int32Array.from(order.slice(0, count)).sort()
}

/** Units each group loses when pooled: the lowest normalised scores go first, within each group's cap. */
function globalRemovals(pool: Candidate[], options: AllocationOptions): Map<GroupId, number> {
  const units: Array<{ group: number; score: number; index: number }> = []
  pool.forEach((c, group) => {
    let sum = 0
    for (const s of c.scores) sum += Number.isFinite(s) ? s : 0
    const mean = sum / c.scores.length
    // Dividing by the group's mean score lets layers of different fan-in compete on relative importance.
    const scale = mean > 0 ? 1 / mean : 1
    c.scores.forEach((s, index) => units.push({ group, score: orderable(s) * scale, index }))
  })
  units.sort((a, b) => a.score - b.score || a.group - b.group || a.index - b.index)
  const target = removalsFor(options, units.length, pool.reduce((sum, c) => sum + originOf(c), 0))
  const removed = pool.map(() => 0)
  const caps = pool.map((c) => c.scores.length - floorOf(c, options.maxRatio))
  let count = 0
  for (const unit of units) {
    if (count >= target) break
    if (removed[unit.group] >= caps[unit.group]) continue
    removed[unit.group]++
    count++
  }
  return new Map(pool.map((c, i) => [c.id, removed[i]]))
}

/**
 * Chooses the units each group keeps: the same fraction in every group (scope layer, or a per-group
 * override), or one cut across the pooled groups (scope global). Only groups that lose units are returned.
 */
export function allocateUnits(candidates: Candidate[], options: AllocationOptions): Map<GroupId, Int32Array> {
  const removals = new Map<GroupId, number>()
  const pooled: Candidate[] = []
  for (const c of candidates) {
    const own: Fraction | undefined = c.ratio !== undefined || c.sparsity !== undefined ? c : options.scope === 'layer' ? options : undefined
    if (own === undefined) pooled.push(c)
    else removals.set(c.id, removalsFor(own, c.scores.length, originOf(c)))
  }
  if (pooled.length) for (const [id, n] of globalRemovals(pooled, options)) removals.set(id, n)

  const kept = new Map<GroupId, Int32Array>()
  for (const c of candidates) {
    const size = c.scores.length
    const minimum = floorOf(c, options.maxRatio)
    const count = roundKept(size - (removals.get(c.id) ?? 0), size, minimum, options.roundTo)
    if (count < size) kept.set(c.id, topUnits(c.scores, count))
  }
  return kept
}
