/**
 * Sparsity patterns for hardware and runtimes: N:M (N weights kept in every M consecutive weights
 * along a kernel's input axis, as NVIDIA's 2:4 sparse tensor cores want) and whole blocks.
 * prunekit counts what is kept: '2:4' keeps 2 of every 4. TFMOT's `sparsity_m_by_n` counts zeros.
 */

/** N kept in every M. */
export interface NmPattern {
  n: number
  m: number
}

/** Parses 'N:M' (1 <= N < M); undefined when the text is not one. */
export function parsePattern(text: string): NmPattern | undefined {
  const match = /^(\d+):(\d+)$/.exec(text.trim())
  if (!match) return undefined
  const n = Number(match[1])
  const m = Number(match[2])
  return n >= 1 && n < m ? { n, m } : undefined
}

/** The fraction of weights an N:M pattern prunes. */
export const patternSparsity = ({ n, m }: NmPattern): number => (m - n) / m

/**
 * How a kernel divides into groups along its input axis (the second-to-last: Dense [in, out], Conv2D
 * [kh, kw, in, out]): group g's j-th entry is at `start(g) + j * stride`.
 */
export interface PatternGroups {
  count: number
  stride: number
  start(group: number): number
}

/** The N:M groups of a kernel, or why it cannot have them (its input axis is not a multiple of M). */
export function patternGroups(shape: readonly number[], m: number): PatternGroups | string {
  if (shape.length < 2) return `it is a vector (shape [${shape.join(', ')}]), not a kernel`
  const inputs = shape[shape.length - 2]
  const stride = shape[shape.length - 1]
  if (inputs % m !== 0) return `its input axis has ${inputs} entries, not a multiple of ${m}`
  const outer = shape.slice(0, -2).reduce((a, b) => a * b, 1)
  const perOuter = (inputs / m) * stride
  return {
    count: outer * perOuter,
    stride,
    // Groups run over (outer position, input block, output column).
    start: (g) => {
      const o = Math.floor(g / perOuter)
      const r = g % perOuter
      return o * inputs * stride + Math.floor(r / stride) * m * stride + (r % stride)
    },
  }
}

/**
 * Keep-mask that keeps the N highest scores of every group of M (ties: the later position is kept,
 * as selectLowest prunes earlier positions first; NaN counts lowest).
 */
export function keepPattern(scores: Float32Array, groups: PatternGroups, { n, m }: NmPattern): Uint8Array {
  const keep = new Uint8Array(scores.length)
  const index = new Int32Array(m)
  const below = (a: number, b: number): boolean => (a !== a ? b === b : b === b && a < b)
  for (let g = 0; g < groups.count; g++) {
    const start = groups.start(g)
    for (let j = 0; j < m; j++) index[j] = start + j * groups.stride
    // Insertion sort of M entries, ascending by (score, position).
    for (let j = 1; j < m; j++) {
      const at = index[j]
      let k = j - 1
      while (k >= 0 && below(scores[at], scores[index[k]])) {
        index[k + 1] = index[k]
        k--
      }
      index[k + 1] = at
    }
    for (let j = m - n; j < m; j++) keep[index[j]] = 1
  }
  return keep
}

/** How a block's score summarises its entries' scores. */
export type BlockScore = 'mean' | 'max'

/**
 * Blocks of `rows` x `cols` over a kernel seen as a matrix [everything but the last axis, last axis]
 * (Dense [in, out] as is; Conv2D [kh * kw * in, out]). Edge blocks may be smaller.
 */
export class BlockGrid {
  readonly height: number
  readonly width: number
  readonly blockRows: number
  readonly blockCols: number

  constructor(shape: readonly number[], readonly rows: number, readonly cols: number) {
    this.width = shape[shape.length - 1]
    this.height = shape.reduce((a, b) => a * b, 1) / this.width
    this.blockRows = Math.ceil(this.height / rows)
    this.blockCols = Math.ceil(this.width / cols)
  }

  get count(): number {
    return this.blockRows * this.blockCols
  }

  /** The block of entry i. */
  blockOf(i: number): number {
    const row = Math.floor(i / this.width)
    return Math.floor(row / this.rows) * this.blockCols + Math.floor((i % this.width) / this.cols)
  }

  /** One score per block: the mean or max of its entries' scores (an entry at -Infinity, already pruned, pulls a mean down to it). */
  scores(entries: Float32Array, how: BlockScore): Float32Array {
    const out = new Float32Array(this.count).fill(how === 'max' ? -Infinity : 0)
    const sizes = new Uint32Array(this.count)
    for (let i = 0; i < entries.length; i++) {
      const b = this.blockOf(i)
      sizes[b]++
      out[b] = how === 'max' ? Math.max(out[b], entries[i]) : out[b] + entries[i]
    }
    if (how === 'mean') for (let b = 0; b < out.length; b++) out[b] /= sizes[b]
    return out
  }

  /** Spreads a keep-mask over blocks to the entries. */
  expand(keepBlocks: Uint8Array): Uint8Array {
    const keep = new Uint8Array(this.height * this.width)
    for (let i = 0; i < keep.length; i++) keep[i] = keepBlocks[this.blockOf(i)]
    return keep
  }
}
