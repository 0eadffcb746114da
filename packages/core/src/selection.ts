import { wasmRadixPasses } from './selection-wasm.js'

/**
 * Exact, linear-time selection of the lowest scores across many arrays, without concatenating them.
 * Scores are mapped to order-preserving 32-bit keys and the k-th smallest key is found by a
 * two-pass 16-bit radix select. NaN scores count as the smallest (a NaN weight is pruned first).
 * The two passes over every score run in WebAssembly SIMD (selection-wasm.ts) where the engine has it,
 * else in JavaScript, with identical results.
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

/** The cut's high 16-bit bucket as a key range, and its entries in position order (each array's own indices). */
export interface CutBucket {
  min: number
  max: number
  positions: Int32Array
  lows: Uint16Array
  listed: number
}

/** The select's two passes over every weight; the rest works on the cut's bucket alone. */
export interface RadixPasses {
  /** Adds each key's bucket (its high 16 bits, 0 to 65535 in key order) to `counts`. */
  countHigh(bits: Int32Array, signMask: number, counts: Uint32Array): void
  /** Sets the mask to 1 where the key is above the cut's bucket and lists the entries inside it (position, low 16 bits). */
  split(bits: Int32Array, signMask: number, mask: Uint8Array, cut: CutBucket): void
}

/** The passes in plain JavaScript, where WebAssembly SIMD cannot run. */
export const jsRadixPasses: RadixPasses = {
  countHigh(bits, signMask, counts) {
    for (let i = 0; i < bits.length; i++) counts[highOf(keyOf(bits[i], signMask))]++
  },
  split(bits, signMask, mask, cut) {
    const { min, max, positions, lows } = cut
    let n = cut.listed
    for (let i = 0; i < bits.length; i++) {
      const key = keyOf(bits[i], signMask)
      if (key > max) mask[i] = 1
      else if (key >= min) {
        positions[n] = i
        lows[n++] = key & 0xffff
      }
    }
    cut.listed = n
  },
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

/** {@link selectLowest} with the given passes (tests run both; the results are identical). */
export function selectLowestWith(passes: RadixPasses, groups: readonly Float32Array[], k: number, order: 'value' | 'magnitude'): Uint8Array[] {
  const signMask = signMasks[order]
  const total = groups.reduce((n, g) => n + g.length, 0)
  const keep = groups.map((g) => new Uint8Array(g.length)) // all pruned: the passes write only what they keep
  if (k <= 0) return keep.map((m) => m.fill(1))
  if (k >= total) return keep

  counts.fill(0)
  for (const g of groups) passes.countHigh(bitsOf(g), signMask, counts)
  const high = findBucket(k, 0)

  // One pass sets every mask outside the cut's high bucket and lists the entries inside it, in
  // position order; the low 16 bits then choose among those alone.
  const min = (high.bucket - 0x8000) << 16
  const size = counts[high.bucket]
  const cut: CutBucket = { min, max: min | 0xffff, positions: new Int32Array(size), lows: new Uint16Array(size), listed: 0 }
  const starts = [0]
  for (const [gi, g] of groups.entries()) {
    passes.split(bitsOf(g), signMask, keep[gi], cut)
    starts.push(cut.listed)
  }

  counts.fill(0)
  for (let j = 0; j < cut.listed; j++) counts[cut.lows[j]]++
  const low = findBucket(k, high.below)
  let tiesToPrune = k - low.below
  for (const [gi, mask] of keep.entries()) {
    for (let j = starts[gi]; j < starts[gi + 1]; j++) {
      const lowBits = cut.lows[j]
      if (lowBits > low.bucket) mask[cut.positions[j]] = 1
      else if (lowBits === low.bucket) {
        if (tiesToPrune > 0) tiesToPrune--
        else mask[cut.positions[j]] = 1
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
