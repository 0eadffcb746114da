/**
 * Exact, linear-time selection of the lowest scores across many arrays, without concatenating them.
 * Scores are mapped to order-preserving 32-bit keys and the k-th smallest key is found by a
 * two-pass 16-bit radix select. NaN scores count as the smallest (a NaN weight is pruned first).
 */

const counts = new Uint32Array(65536)

/** `keyOf`'s second argument: keep the sign bit (order 'value') or drop it (order 'magnitude', |w| without a copy). */
const signMasks = { value: -1, magnitude: 0x7fffffff } as const

/**
 * Order-preserving signed key of a float's bits (an Int32Array view, so no float is read): the bits of a
 * negative float have their magnitude bits flipped. NaN is the lowest int32, below every real number.
 * One function for both orders with no branch on the sign, all in int32: a call through a variable
 * holding one of two key functions took about 4.5x the time once both had run (README, Speed).
 */
function keyOf(bits: number, signMask: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return -0x80000000
  const signed = bits & signMask
  return signed ^ ((signed >> 31) & 0x7fffffff)
}

/** The histogram bucket of a key's high 16 bits, 0 to 65535 in key order. */
const highOf = (key: number): number => (key >> 16) + 0x8000

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
    for (let i = 0; i < bits.length; i++) counts[highOf(keyOf(bits[i], signMask))]++
  }
  const high = findBucket(k, 0)

  // One pass sets every mask outside the cut's high bucket and lists the entries inside it, in
  // position order; the low 16 bits then choose among those alone.
  const inBucket = new Int32Array(counts[high.bucket])
  const starts = [0]
  for (const [gi, g] of groups.entries()) {
    const bits = bitsOf(g)
    const mask = keep[gi]
    let n = starts[gi]
    for (let i = 0; i < bits.length; i++) {
      const h = highOf(keyOf(bits[i], signMask))
      if (h > high.bucket) mask[i] = 1
      else if (h === high.bucket) inBucket[n++] = i
    }
    starts.push(n)
  }

  counts.fill(0)
  for (const [gi, g] of groups.entries()) {
    const bits = bitsOf(g)
    for (let j = starts[gi]; j < starts[gi + 1]; j++) counts[keyOf(bits[inBucket[j]], signMask) & 0xffff]++
  }
  const low = findBucket(k, high.below)
  let tiesToPrune = k - low.below
  for (const [gi, g] of groups.entries()) {
    const bits = bitsOf(g)
    const mask = keep[gi]
    for (let j = starts[gi]; j < starts[gi + 1]; j++) {
      const i = inBucket[j]
      const lowBits = keyOf(bits[i], signMask) & 0xffff
      if (lowBits > low.bucket) mask[i] = 1
      else if (lowBits === low.bucket) {
        if (tiesToPrune > 0) tiesToPrune--
        else mask[i] = 1
      }
    }
  }
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
