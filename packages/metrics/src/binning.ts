/** Odd, so that zero sits in the middle of the centre bin. */
export const defaultBins = 41

/**
 * `bins + 1` ascending edges from -maxAbs to +maxAbs, exactly symmetric around zero.
 * With an odd bin count, zero falls in the middle of the centre bin.
 */
export function symmetricEdges(maxAbs: number, bins: number = defaultBins): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`)
  if (!(maxAbs > 0) || !Number.isFinite(maxAbs)) throw new RangeError(`maxAbs must be a positive finite number, got ${maxAbs}`)
  // (2i - bins) / bins is exact in sign, so edge i and edge bins - i are exact negatives.
  return Array.from({ length: bins + 1 }, (_, i) => ((2 * i - bins) / bins) * maxAbs)
}

/** Why these edges cannot bin values, or undefined when they are at least two finite, strictly ascending numbers. */
export function edgesProblem(edges: readonly number[]): string | undefined {
  if (edges.length < 2) return `a histogram needs at least 2 edges, got ${edges.length}`
  for (let i = 0; i < edges.length; i++) {
    if (typeof edges[i] !== 'number' || !Number.isFinite(edges[i])) return `histogram edge ${i} is not a finite number: ${edges[i]}`
    if (i > 0 && !(edges[i] > edges[i - 1])) return `histogram edges must ascend strictly; edge ${i} (${edges[i]}) <= edge ${i - 1} (${edges[i - 1]})`
  }
  return undefined
}

/**
 * Counts values into bins [edges[i], edges[i + 1]); the last bin also holds its right edge.
 * Values outside the edges are clamped into the first or last bin, so the counts sum to the
 * number of values. NaN values are not counted: they belong to no bin.
 */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const problem = edgesProblem(edges)
  if (problem) throw new RangeError(problem)
  const bins = edges.length - 1
  const counts = new Array<number>(bins).fill(0)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v !== v) continue
    // Binary search for the last edge <= v, over the inner edges only (the outer bins clamp).
    let lo = 0
    let hi = bins - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (edges[mid] <= v) lo = mid
      else hi = mid - 1
    }
    counts[lo]++
  }
  return counts
}
