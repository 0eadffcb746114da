import { layerSelector } from '@prunekit/core'
import { z } from 'zod'

const fraction = z.number().min(0).max(1)

export const structuredOptions = z
  .object({
    ratio: fraction.describe('Fraction of the units (Dense neurons, Conv filters) to remove, 0..1'),
    scope: z
      .enum(['layer', 'global'])
      .default('layer')
      .describe('layer: remove that fraction of every selected layer; global: one cut across them, scores normalised per layer'),
    maxRatio: fraction
      .default(0.9)
      .describe('No layer loses more than this fraction of its units (so none collapses); at least one unit always stays'),
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
            ratio: fraction.optional().describe('This layer\'s own fraction to remove'),
            maxRatio: fraction.optional().describe('This layer\'s own cap'),
          })
          .strict(),
      )
      .default({})
      .describe('Per-layer settings keyed by layer name or /regex/, e.g. { conv_1: { ratio: 0.25 } }; these layers are cut on their own'),
  })
  .strict()

export type StructuredOptions = z.output<typeof structuredOptions>
