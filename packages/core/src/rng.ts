/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same stream on every platform. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number
  /** A fresh 31-bit seed, for tfjs initializers and child generators. */
  seed(): number
  /** An in-place Fisher-Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T
  /** The generator's whole state, to save with a run and hand back to {@link Rng.setState}. */
  getState(): number
  /** Continues the stream from a state {@link Rng.getState} returned. */
  setState(state: number): void
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive)
  return {
    next,
    int,
    seed: () => int(2 ** 31 - 1),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1)
        const tmp = items[i]
        items[i] = items[j]
        items[j] = tmp
      }
      return items
    },
    getState: () => state,
    setState(saved) {
      state = saved >>> 0
    },
  }
}
