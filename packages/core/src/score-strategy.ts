import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { PruneError } from './errors.js'
import type { PrunableModel, WeightRef } from './model.js'
import { checkPattern, patternIsTarget, patternShape, selectionView, type SelectionView } from './pattern-options.js'
import { countForSparsity, selectBelow, selectLowest } from './selection.js'
import { describeSelector, layerSelector, matchesSelector, type LayerSelector } from './selectors.js'
import type { PruneContext, PruningStrategy } from './strategy.js'

const target = {
  sparsity: z.number().min(0).max(1).optional().describe('Fraction of the selected weights to prune, 0..1. Give this or threshold.'),
  threshold: z.number().optional().describe('Prune every weight whose score is below this value. Give this or sparsity.'),
}

/** The selection options every score-based strategy shares. */
export const selectionShape = {
  ...target,
  scope: z.enum(['global', 'layer']).default('global').describe('global: one cut across all selected layers; layer: the same target in each layer'),
  include: z.array(layerSelector).optional().describe('Only prune these layers (default: every layer with a kernel)'),
  exclude: z.array(layerSelector).default([]).describe('Never prune these layers'),
  biases: z.boolean().default(false).describe('Also prune bias vectors (left alone by default)'),
  overrides: z
    .record(layerSelector.options[0], z.object(target).strict())
    .default({})
    .describe('Per-layer targets keyed by layer name or /regex/; these layers are cut on their own'),
  ...patternShape,
}

function checkTarget(value: { sparsity?: number; threshold?: number }, path: (string | number)[], ctx: z.RefinementCtx, optional = false): void {
  const given = [value.sparsity, value.threshold].filter((v) => v !== undefined).length
  if (given > 1 || (given === 0 && !optional)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: given === 0 ? 'give either sparsity (0..1) or threshold' : 'give sparsity or threshold, not both',
    })
  }
}

export type SelectionOptions = z.output<z.ZodObject<typeof selectionShape>>

/** What a score function may look at besides the weight itself. */
export interface ScoreContext extends PruneContext {
  ref: WeightRef
  model: PrunableModel
}

export interface ScoreStrategySpec<E extends z.ZodRawShape> {
  name: string
  description: string
  /** Extra options of this strategy, merged with the shared selection options. */
  options?: E
  /** Higher scores survive. Runs inside tf.tidy when it returns synchronously. Give this or scoreAll. */
  score?(weight: tf.Tensor, ctx: ScoreContext, options: SelectionOptions & z.output<z.ZodObject<E>>): tf.Tensor | Promise<tf.Tensor>
  /** Or: the scores of every target at once, one array per ref, for criteria that make one pass over data for all layers. */
  scoreAll?(model: PrunableModel, refs: WeightRef[], ctx: PruneContext, options: SelectionOptions & z.output<z.ZodObject<E>>): Promise<Float32Array[]>
  /** Optional: what the selection compares instead of the raw scores (Wanda ranks within each output); unit rankings use the raw scores. */
  compare?(scores: Float32Array, ref: WeightRef, options: SelectionOptions & z.output<z.ZodObject<E>>): Float32Array
}

export function selectionSchema<E extends z.ZodRawShape>(extra?: E) {
  return z
    .object({ ...selectionShape, ...(extra ?? ({} as E)) })
    .strict()
    .superRefine((value, ctx) => {
      const v = value as SelectionOptions
      checkTarget(v, [], ctx, patternIsTarget(v))
      checkPattern(v, ctx)
      for (const [key, override] of Object.entries(v.overrides ?? {})) checkTarget(override, ['overrides', key], ctx)
    })
}

/** The weights a selection applies to: kernels (and biases if asked), filtered by include/exclude. */
export function selectTargets(model: PrunableModel, options: SelectionOptions): WeightRef[] {
  const all = model.weights().filter((ref) => ref.shape.length >= 2 || (options.biases && ref.kind === 'bias'))
  const included = options.include ? all.filter((ref) => options.include!.some((s) => matchesSelector(s, ref))) : all
  const targets = included.filter((ref) => !options.exclude.some((s) => matchesSelector(s, ref)))
  if (targets.length === 0) {
    const names = model.model.layers.map((l) => `${l.name} (${l.getClassName()})`).join(', ')
    const filters = [
      options.include ? `include [${options.include.map(describeSelector).join(', ')}]` : '',
      options.exclude.length ? `exclude [${options.exclude.map(describeSelector).join(', ')}]` : '',
    ].filter(Boolean)
    throw new PruneError(`No prunable weights left after ${filters.join(' and ') || 'selection'}. The model's layers: ${names}. Check the layer names.`)
  }
  return targets
}

async function scoreOne<E extends z.ZodRawShape>(
  spec: ScoreStrategySpec<E>,
  model: PrunableModel,
  ref: WeightRef,
  ctx: PruneContext,
  options: SelectionOptions & z.output<z.ZodObject<E>>,
): Promise<Float32Array> {
  const scoreCtx: ScoreContext = { ...ctx, ref, model }
  // Synchronous scores run in a tidy; async ones (which may await data) manage their own tensors.
  let pending: Promise<tf.Tensor> | undefined
  const immediate = tf.tidy(() => {
    const result = spec.score!(ref.variable.read(), scoreCtx, options)
    if (result instanceof Promise) pending = result
    return result instanceof Promise ? tf.scalar(0) : result
  })
  const tensor = pending ? (immediate.dispose(), await pending) : immediate
  const values = tensor.size === ref.size ? new Float32Array(await tensor.data()) : new Float32Array(tensor.size)
  tensor.dispose()
  return values
}

/** Every target's raw scores, checked against the weight's size. */
async function rawScores<E extends z.ZodRawShape>(
  spec: ScoreStrategySpec<E>,
  model: PrunableModel,
  refs: WeightRef[],
  ctx: PruneContext,
  options: SelectionOptions & z.output<z.ZodObject<E>>,
): Promise<Float32Array[]> {
  const scores: Float32Array[] = []
  if (spec.scoreAll) scores.push(...(await spec.scoreAll(model, refs, ctx, options)))
  else for (const ref of refs) scores.push(await scoreOne(spec, model, ref, ctx, options))
  refs.forEach((ref, i) => {
    if (scores[i]?.length !== ref.size) throw new PruneError(`Strategy "${spec.name}" scored ${ref.key} with ${scores[i]?.length ?? 0} values; the weight has ${ref.size}.`)
  })
  return scores
}

/** Already-pruned weights stay pruned and count toward the target. */
function setApartPruned(model: PrunableModel, ref: WeightRef, values: Float32Array): Float32Array {
  const mask = model.masks.get(ref.key)
  if (mask) {
    const kept = mask.dataSync()
    for (let i = 0; i < values.length; i++) if (kept[i] === 0) values[i] = -Infinity
  }
  return values
}

function cut(groups: Float32Array[], t: { sparsity?: number; threshold?: number }): Uint8Array[] {
  // No target (a pattern alone): prune what the pattern, or an earlier mask, set to -Infinity.
  if (t.threshold === undefined && t.sparsity === undefined) return groups.map((g) => Uint8Array.from(g, (v) => (v === -Infinity ? 0 : 1)))
  if (t.threshold !== undefined) return selectBelow(groups, t.threshold)
  const total = groups.reduce((n, g) => n + g.length, 0)
  return selectLowest(groups, countForSparsity(total, t.sparsity ?? 0))
}

/** Masks only grow: a weight pruned before stays pruned whatever the new cut says. */
function intersect(keep: Uint8Array, previous: tf.Tensor | undefined): Uint8Array {
  if (!previous) return keep
  const old = previous.dataSync()
  for (let i = 0; i < keep.length; i++) if (old[i] === 0) keep[i] = 0
  return keep
}

function overrideFor(ref: WeightRef, overrides: SelectionOptions['overrides']): { sparsity?: number; threshold?: number } | undefined {
  for (const [selector, t] of Object.entries(overrides)) if (matchesSelector(selector as LayerSelector, ref)) return t
  return undefined
}

/**
 * Builds a full strategy from a score function: core does the selection (global or per layer,
 * by sparsity or by threshold, include/exclude, per-layer overrides, N:M or block patterns). Masks only grow.
 */
export function scoreStrategy<E extends z.ZodRawShape = {}>(spec: ScoreStrategySpec<E>): PruningStrategy<SelectionOptions & z.output<z.ZodObject<E>>> {
  if (!spec.score && !spec.scoreAll) throw new PruneError(`Strategy "${spec.name}" gives neither score nor scoreAll: give one of them.`)
  const options = selectionSchema(spec.options) as unknown as z.ZodType<SelectionOptions & z.output<z.ZodObject<E>>>
  return {
    name: spec.name,
    description: spec.description,
    options,
    scoreWeights: (model, refs, ctx, opts) => rawScores(spec, model, refs, ctx, opts),
    async prune(model, request, ctx) {
      const opts = request.options
      const targets = selectTargets(model, opts)
      const compared = (await rawScores(spec, model, targets, ctx, opts)).map((values, i) => spec.compare?.(values, targets[i], opts) ?? values)
      const views: SelectionView[] = compared.map((values, i) => selectionView(targets[i], setApartPruned(model, targets[i], values), opts))
      const scores = views.map((v) => v.scores)

      const keep: Uint8Array[] = new Array(targets.length)
      const pooled: number[] = []
      targets.forEach((ref, i) => {
        const own = overrideFor(ref, opts.overrides)
        if (own || opts.scope === 'layer') keep[i] = cut([scores[i]], own ?? opts)[0]
        else pooled.push(i)
      })
      if (pooled.length) cut(pooled.map((i) => scores[i]), opts).forEach((mask, j) => (keep[pooled[j]] = mask))

      targets.forEach((ref, i) => model.masks.setValues(ref.key, intersect(views[i].expand(keep[i]), model.masks.get(ref.key)), ref.shape))
      model.applyMasks()
      return model
    },
  }
}
