/** An N:M pattern: at most `n` nonzero weights in every `m` consecutive input weights (2:4 is what sparse tensor cores run). */
export interface NmPattern {
  n: number
  m: number
}

/** The patterns `inspect` checks, sparsest first: it names the first a layer meets. */
export const nmPatterns: readonly NmPattern[] = [
  { n: 1, m: 4 },
  { n: 2, m: 4 },
  { n: 4, m: 8 },
]

/**
 * True when every group of `m` consecutive weights along the input axis (the second-to-last of a
 * Dense [in, out] or Conv [kh, kw, in, out] kernel) holds at most `n` nonzeros. As for sparse tensor
 * cores, the input axis must split into whole groups: a kernel of rank < 2, or whose inputs are not a
 * multiple of `m`, never complies.
 */
export function meetsNm(values: ArrayLike<number>, shape: readonly number[], { n, m }: NmPattern): boolean {
  if (shape.length < 2) return false
  const outputs = shape[shape.length - 1]
  const inputs = shape[shape.length - 2]
  if (inputs % m !== 0) return false
  const blocks = values.length / (inputs * outputs)
  for (let block = 0; block < blocks; block++) {
    const base = block * inputs * outputs
    for (let out = 0; out < outputs; out++) {
      for (let start = 0; start < inputs; start += m) {
        let nonzero = 0
        for (let i = start; i < start + m; i++) if (values[base + i * outputs + out] !== 0) nonzero++
        if (nonzero > n) return false
      }
    }
  }
  return true
}

/** The sparsest of `nmPatterns` the kernel meets, as "2:4", or undefined. */
export function nmLabel(values: ArrayLike<number>, shape: readonly number[]): string | undefined {
  const met = nmPatterns.find((p) => meetsNm(values, shape, p))
  return met && `${met.n}:${met.m}`
}
