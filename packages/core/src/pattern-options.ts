import { z } from 'zod'
import { PruneError } from './errors.js'
import type { WeightRef } from './model.js'
import { BlockGrid, keepPattern, parsePattern, patternGroups, patternSparsity, type BlockScore, type NmPattern } from './patterns.js'

/** The pattern options every score-based strategy shares (part of the selection options). */
export const patternShape = {
  pattern: z
    .string()
    .refine((text) => parsePattern(text) !== undefined, 'write N:M with 1 <= N < M, e.g. 2:4 (N kept in every M)')
    .optional()
    .describe(
      "N:M sparsity: keep N of every M consecutive weights along each kernel's input axis, e.g. '2:4'. prunekit counts what is kept; TFMOT's sparsity_m_by_n counts zeros. Alone it prunes (M-N)/M; a higher sparsity or a threshold prunes further",
    ),
  block: z
    .tuple([z.number().int().positive(), z.number().int().positive()])
    .optional()
    .describe('Prune whole blocks of [rows, cols] of each kernel seen as a matrix [inputs, outputs] (a conv kernel as [kh * kw * in, out]); the sparsity counts blocks'),
  blockScore: z.enum(['mean', 'max']).default('mean').describe("How a block's score sums up its weights' scores: mean or max"),
}

interface PatternOptions {
  pattern?: string
  block?: [number, number]
  blockScore: BlockScore
}

type Target = { sparsity?: number; threshold?: number }

/** Cross-option rules: one pattern at a time, a sparsity no lower than the pattern's, and a target for blocks. */
export function checkPattern(value: PatternOptions & Target & { overrides?: Record<string, Target> }, ctx: z.RefinementCtx): void {
  if (value.pattern !== undefined && value.block !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['block'], message: 'give pattern or block, not both' })
  }
  const nm = value.pattern === undefined ? undefined : parsePattern(value.pattern)
  const targets: Array<[Target, PropertyKey[]]> = [[value, []], ...Object.entries(value.overrides ?? {}).map(([k, t]): [Target, PropertyKey[]] => [t, ['overrides', k]])]
  for (const [target, path] of targets) {
    if (nm && target.sparsity !== undefined && target.sparsity < patternSparsity(nm)) {
      ctx.addIssue({ code: 'custom', path: [...path, 'sparsity'], message: `pattern ${value.pattern} prunes ${patternSparsity(nm)} of the weights by itself: give a sparsity of at least that, or leave it out` })
    }
  }
}

/** Whether the options name a target, or a pattern that is one by itself. */
export const patternIsTarget = (value: PatternOptions): boolean => value.pattern !== undefined

/**
 * What the selection cuts for one weight: its scores (with N:M, those the pattern prunes set to
 * -Infinity; with blocks, one score per block) and how a keep-mask over them maps back to the weight.
 */
export interface SelectionView {
  scores: Float32Array
  expand(keep: Uint8Array): Uint8Array
}

const same = (keep: Uint8Array): Uint8Array => keep

/** Vectors (biases, when pruned) are cut weight by weight: patterns apply to kernels. */
export function selectionView(ref: WeightRef, scores: Float32Array, options: PatternOptions): SelectionView {
  if (ref.shape.length < 2) return { scores, expand: same }
  if (options.block) return blockView(ref, scores, options.block, options.blockScore)
  const nm = options.pattern === undefined ? undefined : parsePattern(options.pattern)
  return nm ? { scores: patterned(ref, scores, nm), expand: same } : { scores, expand: same }
}

function patterned(ref: WeightRef, scores: Float32Array, nm: NmPattern): Float32Array {
  const groups = patternGroups(ref.shape, nm.m)
  if (typeof groups === 'string') {
    throw new PruneError(`Cannot apply pattern ${nm.n}:${nm.m} to ${ref.key} (${ref.layerType}): ${groups}. Exclude the layer (exclude: [${ref.layerName}]) or pick an M that divides its inputs.`)
  }
  const keep = keepPattern(scores, groups, nm)
  const out = Float32Array.from(scores)
  for (let i = 0; i < out.length; i++) if (keep[i] === 0) out[i] = -Infinity
  return out
}

function blockView(ref: WeightRef, scores: Float32Array, [rows, cols]: [number, number], how: BlockScore): SelectionView {
  const grid = new BlockGrid(ref.shape, rows, cols)
  return { scores: grid.scores(scores, how), expand: (keep) => grid.expand(keep) }
}
