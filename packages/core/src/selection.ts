import { bitsOf, type Cut, jsRadixPasses, keyOf, type RadixPasses, signMasks } from './selection-passes.js'
import { wasmRadixPasses } from './selection-wasm.js'

/**
 * Exact, linear-time selection of the lowest scores across many arrays, without concatenating them.
 * Scores are mapped to order-preserving 32-bit keys (selection-passes.ts). Large inputs take one pass:
 * a sample of the keys bounds the cut, one split keeps what lies above the bound and lists what lies
 * within it, and the k-th key is chosen among the listed alone. Otherwise, or when the sample's bounds
 * miss the cut, a two-pass 16-bit radix select. NaN scores count as the smallest (a NaN weight is
 * pruned first). The passes over every score run in WebAssembly SIMD (selection-wasm.ts) where the
 * engine has it, else in JavaScript, with identical results.
 */

const counts = new Uint32Array(65536)
/** Keys drawn for the sample, and the input size from which sampling pays for itself. */
const sampleSize = 65536
const sampleFrom = 1 << 23

function findBucket(k: number, below: number): { bucket: number; below: number } {
  let cumulative = below
  for (let b = 0; b < 65536; b++) {
    if (cumulative + counts[b] >= k) return { bucket: b, below: cumulative }
    cumulative += counts[b]
  }
  throw new Error('radix select: k exceeds the element count')
}

const emptyCut = (min: number, max: number, capacity: number, withBits: boolean): Cut => ({
  min,
  max,
  positions: new Int32Array(capacity),
  bits: withBits ? new Int32Array(capacity) : null,
  listed: 0,
  above: 0,
})

/** Splits every array in turn; the list's start for each array (and its end), or null if the list overflowed. */
function splitAll(passes: RadixPasses, groups: readonly Float32Array[], keep: Uint8Array[], cut: Cut, signMask: number): number[] | null {
  const starts = [0]
  for (const [gi, g] of groups.entries()) {
    if (!passes.split(bitsOf(g), signMask, keep[gi], cut)) return null
    starts.push(cut.listed)
  }
  return starts
}

let fastest: RadixPasses | undefined

/**
 * Returns keep-masks (1 keeps, 0 prunes) that prune exactly `k` entries: the k smallest scores
 * (with order 'magnitude', the k smallest |score|, read straight from the weights without a copy).
 * Ties at the cut are broken by position (earlier arrays and indices are pruned first).
 */
export function selectLowest(groups: readonly Float32Array[], k: number, order: 'value' | 'magnitude' = 'value'): Uint8Array[] {
  fastest ??= wasmRadixPasses() ?? jsRadixPasses
  return selectLowestWith(fastest, groups, k, order)
}

/**
 * {@link selectLowest} with the given passes, sampling from `sampleAbove` entries on (tests run every
 * combination; the masks are identical).
 */
export function selectLowestWith(
  passes: RadixPasses,
  groups: readonly Float32Array[],
  k: number,
  order: 'value' | 'magnitude',
  sampleAbove = sampleFrom,
): Uint8Array[] {
  const signMask = signMasks[order]
  const total = groups.reduce((n, g) => n + g.length, 0)
  const keep = groups.map((g) => new Uint8Array(g.length)) // all pruned: the passes write only what they keep
  if (k <= 0) return keep.map((m) => m.fill(1))
  if (k >= total) return keep
  if (total >= sampleAbove && selectAroundSample(passes, groups, keep, k, order)) return keep

  counts.fill(0)
  for (const g of groups) passes.countHigh(bitsOf(g), signMask, counts)
  const high = findBucket(k, 0)

  // One pass sets every mask outside the cut's high bucket and lists the positions inside it, in
  // order; the low 16 bits then choose among those alone. Positions only: 4 bytes an entry, as the
  // bucket may hold most of the weights (a cut inside a long run of equal scores).
  const min = (high.bucket - 0x8000) << 16
  const cut = emptyCut(min, min | 0xffff, counts[high.bucket], false)
  const starts = splitAll(passes, groups, keep, cut, signMask) as number[] // the list holds the bucket's count exactly

  const lowOf = (j: number, bits: Int32Array): number => keyOf(bits[cut.positions[j]], signMask) & 0xffff
  counts.fill(0)
  for (const [gi, g] of groups.entries()) {
    const bits = bitsOf(g)
    for (let j = starts[gi]; j < starts[gi + 1]; j++) counts[lowOf(j, bits)]++
  }
  const low = findBucket(k, high.below)
  let tiesToPrune = k - low.below
  for (const [gi, mask] of keep.entries()) {
    const bits = bitsOf(groups[gi])
    for (let j = starts[gi]; j < starts[gi + 1]; j++) {
      const lowBits = lowOf(j, bits)
      if (lowBits > low.bucket) mask[cut.positions[j]] = 1
      else if (lowBits === low.bucket) {
        if (tiesToPrune > 0) tiesToPrune--
        else mask[cut.positions[j]] = 1
      }
    }
  }
  return keep
}

/**
 * Bounds on the k-th smallest key from `sampleSize` keys spread over the input (one per stride, at a
 * hashed offset, so no layout that repeats with the stride skews it): four standard deviations of the
 * sample's rank either side, the bounding keys themselves left out (ties there, such as zeros from an
 * earlier pruning, then count as below or above instead of filling the list).
 */
function sampledBounds(groups: readonly Float32Array[], k: number, total: number, signMask: number): { min: number; max: number; share: number } {
  const stride = Math.max(1, Math.floor(total / sampleSize))
  const keys = new Int32Array(Math.ceil(total / stride) + groups.length)
  let n = 0
  for (const g of groups) {
    const bits = bitsOf(g)
    for (let start = 0; start < bits.length; start += stride) {
      const i = start + ((Math.imul(start, 0x9e3779b1) >>> 0) % stride)
      if (i < bits.length) keys[n++] = keyOf(bits[i], signMask)
    }
  }
  const sorted = keys.subarray(0, n).sort()
  const p = k / total
  const spread = 4 * Math.sqrt(n * p * (1 - p)) + 4
  const [lo, hi] = [Math.floor(p * n - spread), Math.ceil(p * n + spread)]
  return {
    min: lo < 0 ? -0x80000000 : Math.min(sorted[lo] + 1, 0x7fffffff),
    max: hi >= n ? 0x7fffffff : Math.max(sorted[hi] - 1, -0x80000000),
    share: (hi - lo) / n,
  }
}

/**
 * The one-pass select: one split over every score around the sample's bounds, then an exact select
 * among the listed entries (in position order, so ties still go by position). False, with the masks
 * zeroed again, when the bounds missed the k-th key or the list overflowed.
 */
function selectAroundSample(passes: RadixPasses, groups: readonly Float32Array[], keep: Uint8Array[], k: number, order: 'value' | 'magnitude'): boolean {
  const signMask = signMasks[order]
  const total = keep.reduce((n, m) => n + m.length, 0)
  const { min, max, share } = sampledBounds(groups, k, total, signMask)
  const cut = emptyCut(min, max, Math.min(total, Math.ceil(2 * share * total) + 4096), true)
  const starts = splitAll(passes, groups, keep, cut, signMask)
  const below = total - cut.above - cut.listed
  if (!starts || k < below || k > below + cut.listed) {
    for (const mask of keep) mask.fill(0)
    return false
  }
  const listed = new Float32Array((cut.bits as Int32Array).buffer, 0, cut.listed)
  const [chosen] = selectLowestWith(passes, [listed], k - below, order, Infinity)
  for (const [gi, mask] of keep.entries()) {
    for (let j = starts[gi]; j < starts[gi + 1]; j++) if (chosen[j]) mask[cut.positions[j]] = 1
  }
  return true
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
