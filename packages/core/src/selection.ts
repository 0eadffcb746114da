/**
 * Exact, linear-time selection of the lowest scores across many arrays, without concatenating them.
 * Scores are mapped to order-preserving 32-bit keys and the k-th smallest key is found by a
 * two-pass 16-bit radix select. NaN scores count as the smallest (a NaN weight is pruned first).
 */

const counts = new Uint32Array(65536)

/** `keyOf`'s second argument: keep the sign bit (order 'value') or drop it (order 'magnitude', |w| without a copy). */
const signMasks = { value: -1, magnitude: 0x7fffffff } as const

/**
 * Order-preserving unsigned key of a float's bits (an Int32Array view, so no float is read); NaN is 0,
 * below every real number. One function for both orders, with no branch on the sign: a call through a
 * variable holding one of two key functions took about 4.5x the time once both had run (README, Speed).
 */
function keyOf(bits: number, signMask: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return 0
  const signed = bits & signMask
  return (signed ^ ((signed >> 31) | 0x80000000)) >>> 0
}

function bitsOf(scores: Float32Array): Int32Array {
  return new Int32Array(scores.buffer, scores.byteOffset, scores.length)
}

function findBucket(k: number, below: number): { bucket: number; below: number } {
  let cumulative = below
  for (let b = 0; b < 65536; b++) {
    if (cumulative + counts[b] >= k) return { bucket: b, below: cumulative }
    cumulative += counts[b]
  }
  throw new Error('radix select: k exceeds the element count')
}

/**
 * Returns keep-masks (1 keeps, 0 prunes) that prune exactly `k` entries: the k smallest scores
 * (with order 'magnitude', the k smallest |score|, read straight from the weights without a copy).
 * Ties at the cut are broken by position (earlier arrays and indices are pruned first).
 */
export function selectLowest(groups: readonly Float32Array[], k: number, order: 'value' | 'magnitude' = 'value'): Uint8Array[] {
  const signMask = signMasks[order]
  const total = groups.reduce((n, g) => n + g.length, 0)
  const keep = groups.map((g) => new Uint8Array(g.length)) // all pruned: the last pass writes only what it keeps
  if (k <= 0) return keep.map((m) => m.fill(1))
  if (k >= total) return keep

  counts.fill(0)
  for (const g of groups) {
    const bits = bitsOf(g)
    for (let i = 0; i < bits.length; i++) counts[keyOf(bits[i], signMask) >>> 16]++
  }
  const high = findBucket(k, 0)

  counts.fill(0)
  for (const g of groups) {
    const bits = bitsOf(g)
    for (let i = 0; i < bits.length; i++) {
      const key = keyOf(bits[i], signMask)
      if (key >>> 16 === high.bucket) counts[key & 0xffff]++
    }
  }
  const low = findBucket(k, high.below)
  const cut = ((high.bucket << 16) | low.bucket) >>> 0
  let tiesToPrune = k - low.below

  groups.forEach((g, gi) => {
    const bits = bitsOf(g)
    const mask = keep[gi]
    for (let i = 0; i < bits.length; i++) {
      const key = keyOf(bits[i], signMask)
      if (key > cut) mask[i] = 1
      else if (key === cut) {
        if (tiesToPrune > 0) tiesToPrune--
        else mask[i] = 1
      }
    }
  })
  return keep
}

/** Keep-masks that prune every entry whose score is strictly below `threshold` (and every NaN). */
export function selectBelow(groups: readonly Float32Array[], threshold: number): Uint8Array[] {
  return groups.map((g) => {
    const mask = new Uint8Array(g.length)
    for (let i = 0; i < g.length; i++) mask[i] = g[i] < threshold || g[i] !== g[i] ? 0 : 1
    return mask
  })
}

/** The number of entries to prune for a sparsity target, rounded to the nearest whole weight. */
export function countForSparsity(total: number, sparsity: number): number {
  return Math.min(total, Math.max(0, Math.round(sparsity * total)))
}
