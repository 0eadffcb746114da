import { z } from 'zod'
import { zooModel } from './context.js'
import { denseStack } from './layers.js'

const width = z.number().int().positive()

export const seedMlpOptions = z
  .object({
    hidden: z.tuple([width, width]).default([64, 32]).describe('Units of the two hidden relu layers'),
  })
  .strict()

export type SeedMlpOptions = z.output<typeof seedMlpOptions>

/** The founding experiment's network: exactly three Dense layers (64 relu, 32 relu, output). */
export const seedMlpModel = zooModel<SeedMlpOptions>('seed-mlp', {
  description: "The founding experiment's net: Dense 64 relu, Dense 32 relu, then the output layer",
  options: seedMlpOptions,
  build: (options, ctx) => denseStack('seed-mlp', ctx, options.hidden.map((units) => ({ units, activation: 'relu' }))),
})
