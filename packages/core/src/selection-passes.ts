/** `keyOf`'s second argument: keep the sign bit (order 'value') or drop it (order 'magnitude', |w| without a copy). */
export const signMasks = { value: -1, magnitude: 0x7fffffff } as const

/**
 * Order-preserving signed key of a float's bits (an Int32Array view, so no float is read): the bits of a
 * negative float have their magnitude bits flipped. NaN is the lowest int32, below every real number.
 * One function for both orders with no branch on the sign, all in int32: a call through a variable
 * holding one of two key functions took about 4.5x the time once both had run (README, Speed).
 */
export function keyOf(bits: number, signMask: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return -0x80000000
  const signed = bits & signMask
  return signed ^ ((signed >> 31) & 0x7fffffff)
}

/** The histogram bucket of a key's high 16 bits, 0 to 65535 in key order. */
export const highOf = (key: number): number => (key >> 16) + 0x8000

export function bitsOf(scores: Float32Array): Int32Array {
  return new Int32Array(scores.buffer, scores.byteOffset, scores.length)
}

/**
 * A key range around the cut, and what a split found: the entries inside it in position order (each
 * array's own indices and, where `bits` is given, their float bits), and how many lay above it.
 */
export interface Cut {
  min: number
  max: number
  positions: Int32Array
  bits: Int32Array | null
  listed: number
  above: number
}

/** The passes that read every score; the rest of the select works on the entries listed in the cut alone. */
export interface RadixPasses {
  /** Adds each key's bucket (its high 16 bits, 0 to 65535 in key order) to `counts`. */
  countHigh(bits: Int32Array, signMask: number, counts: Uint32Array): void
  /**
   * Sets the mask to 1 where the key is above `cut.max` (adding those to `cut.above`) and appends the
   * entries within [min, max] to the list. False, the list unfinished, when they do not fit in it.
   */
  split(bits: Int32Array, signMask: number, mask: Uint8Array, cut: Cut): boolean
}

/** The passes in plain JavaScript, where WebAssembly SIMD cannot run. */
export const jsRadixPasses: RadixPasses = {
  countHigh(bits, signMask, counts) {
    for (let i = 0; i < bits.length; i++) counts[highOf(keyOf(bits[i], signMask))]++
  },
  split(bits, signMask, mask, cut) {
    const { min, max, positions } = cut
    const listedBits = cut.bits
    let [listed, above] = [cut.listed, cut.above]
    for (let i = 0; i < bits.length; i++) {
      const key = keyOf(bits[i], signMask)
      if (key > max) {
        mask[i] = 1
        above++
      } else if (key >= min) {
        if (listed === positions.length) return false
        if (listedBits) listedBits[listed] = bits[i]
        positions[listed++] = i
      }
    }
    cut.listed = listed
    cut.above = above
    return true
  },
}
