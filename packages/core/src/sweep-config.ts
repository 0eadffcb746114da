import { z } from 'zod'

/** A key's values: a list (grid or random), or a range to draw from (random only). */
const sweepValues = z.union([
  z.array(z.unknown()).min(1).describe('The values to try'),
  z
    .object({
      min: z.number().describe('Smallest value'),
      max: z.number().describe('Largest value'),
      log: z.boolean().default(false).describe('Draw uniformly in log space (learning rates)'),
      integer: z.boolean().default(false).describe('Round each draw to a whole number'),
    })
    .strict()
    .describe('A range to draw from (random sweeps only)'),
])

/** The `sweep:` section: what `prunekit sweep` varies; `prunekit run` ignores it. */
export const sweepSchema = z
  .object({
    values: z
      .record(z.string(), sweepValues)
      .describe("Config keys as dotted paths and the values to try, e.g. { 'pipeline.2.prune.sparsity': [0.5, 0.9], seed: [1, 2] }"),
    random: z
      .object({
        count: z.number().int().min(1).describe('How many trials to draw'),
        seed: z.number().int().default(0).describe('Seed of the draws'),
      })
      .strict()
      .optional()
      .describe('Draw this many trials at random instead of running the whole grid'),
    share: z
      .boolean()
      .default(true)
      .describe('Run leading steps that trials have in common (same seed, model, data, training and first steps) once, and branch each trial from the captured state'),
  })
  .strict()

export type SweepConfig = z.output<typeof sweepSchema>
export type SweepInput = z.input<typeof sweepSchema>
