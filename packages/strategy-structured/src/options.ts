import { layerSelector } from '@prunekit/core/internal'
import { z } from 'zod'

const fraction = z.number().min(0).max(1)

/** Exactly one of ratio and sparsity: issues under `path`. */
function oneFraction(value: { ratio?: number; sparsity?: number }, ctx: z.RefinementCtx, required: boolean): void {
  if (value.ratio !== undefined && value.sparsity !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['ratio'], message: 'ratio and sparsity exclude each other (a schedule or iterate sets sparsity): remove one' })
  } else if (required && value.ratio === undefined && value.sparsity === undefined) {
    ctx.addIssue({ code: 'custom', path: ['ratio'], message: 'required: ratio (e.g. 0.5 removes half of the units the model has now) or sparsity (of the units it was built with)' })
  }
}

export const structuredOptions = z
  .object({
    ratio: fraction.optional().describe('Fraction of the units (Dense neurons, Conv filters) the model has now to remove, 0..1'),
    sparsity: fraction
      .optional()
      .describe(
        'Or: fraction of the units the model was built with that are removed once this runs, 0..1 (cumulative, so a schedule or iterate can drive it; units already removed count)',
      ),
    scope: z
      .enum(['layer', 'global'])
      .default('layer')
      .describe('layer: remove that fraction of every selected layer; global: one cut across them, scores normalised per layer'),
    maxRatio: fraction
      .default(0.9)
      .describe('No layer loses more than this fraction of the units it was built with (so none collapses, however many rounds); at least one unit always stays'),
    importance: z
      .string()
      .optional()
      .describe('Rank units by a registered score strategy instead (taylor, snip, wanda, fisher from @prunekit/strategy-importance, magnitude...): a unit scores the sum of its weights\' scores over the kernels of its group'),
    roundTo: z.number().int().min(1).default(1).describe('Kept counts are multiples of this, e.g. 4 or 8 for SIMD-friendly shapes'),
    include: z
      .array(layerSelector)
      .optional()
      .describe('Only prune these layers (default: every Dense and Conv layer but the output)'),
    exclude: z
      .array(layerSelector)
      .default([])
      .describe('Never prune these layers; excluding one layer of an Add-coupled group keeps the whole group'),
    overrides: z
      .record(
        z.string(),
        z
          .object({
            ratio: fraction.optional().describe('This layer\'s own fraction of its current units to remove'),
            sparsity: fraction.optional().describe('Or this layer\'s own fraction of its units as built to have removed'),
            maxRatio: fraction.optional().describe('This layer\'s own cap'),
          })
          .strict()
          .superRefine((value, ctx) => oneFraction(value, ctx, false)),
      )
      .default({})
      .describe('Per-layer settings keyed by layer name or /regex/, e.g. { conv_1: { ratio: 0.25 } }; these layers are cut on their own'),
  })
  .strict()
  .superRefine((value, ctx) => oneFraction(value, ctx, true))

export type StructuredOptions = z.output<typeof structuredOptions>
