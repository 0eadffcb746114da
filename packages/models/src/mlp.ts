import { z } from 'zod'
import { activationNames, activationSchema } from './activation.js'
import { sizeOf, zooModel } from './context.js'
import { denseParams, denseStack } from './layers.js'

export const mlpOptions = z
  .object({
    units: z.array(z.number().int().positive()).default([64, 32]).describe('Units of each hidden Dense layer, in order'),
    activation: activationSchema.default('relu').describe(`Activation of every hidden layer: ${activationNames.join(', ')}`),
    activations: z
      .array(activationSchema)
      .default([])
      .describe('Per-layer activations, one per entry of units; overrides activation (empty: use activation everywhere)'),
    useBias: z.boolean().default(true).describe('Give every Dense layer a bias vector'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.activations.length > 0 && value.activations.length !== value.units.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['activations'],
        message: `has ${value.activations.length} entries but units has ${value.units.length}: give one activation per hidden layer, or leave activations out`,
      })
    }
  })

export type MlpOptions = z.output<typeof mlpOptions>

/** A multilayer perceptron: Dense layers dense_1..dense_n, then output; inputs of rank > 1 are flattened. */
export const mlpModel = zooModel<MlpOptions>('mlp', {
  description: 'Multilayer perceptron: hidden Dense layers of the given units and activations, then the output layer',
  options: mlpOptions,
  build(options, ctx) {
    const hidden = options.units.map((units, i) => ({ units, activation: options.activations[i] ?? options.activation, useBias: options.useBias }))
    return denseStack('mlp', ctx, hidden, options.useBias)
  },
  params: (options, ctx) => denseParams(sizeOf(ctx.inputShape), [...options.units, ctx.numClasses], options.useBias),
})
