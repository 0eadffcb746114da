import type { Rng } from '@prunekit/core'

/** Standard normal samples from a seeded Rng (Box-Muller; the second value of each pair is kept). */
export function gaussian(rng: Rng): () => number {
  let spare: number | undefined
  return () => {
    if (spare !== undefined) {
      const value = spare
      spare = undefined
      return value
    }
    const radius = Math.sqrt(-2 * Math.log(1 - rng.next()))
    const angle = 2 * Math.PI * rng.next()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }
}
