import { defineModel } from '@prunekit/core'
import { z } from 'zod'
import { checkContext } from './context.js'
import { denseStack } from './layers.js'

const width = z.number().int().positive()

export const seedMlpOptions = z
  .object({
    hidden: z.tuple([width, width]).default([64, 32]).describe('Units of the two hidden relu layers'),
  })
  .strict()

export type SeedMlpOptions = z.output<typeof seedMlpOptions>

/** The founding experiment's network: exactly three Dense layers (64 relu, 32 relu, output). */
export const seedMlpModel = defineModel<SeedMlpOptions>({
  name: 'seed-mlp',
  description: "The founding experiment's net: Dense 64 relu, Dense 32 relu, then the output layer",
  options: seedMlpOptions,
  build(options, ctx) {
    checkContext('seed-mlp', ctx)
    return denseStack('seed-mlp', ctx, options.hidden.map((units) => ({ units, activation: 'relu' as const })))
  },
})
