import { z } from 'zod'
import { zooModel } from './context.js'
import { denseStack } from './layers.js'

export const lenet300100Options = z.object({}).strict()

export type Lenet300100Options = z.output<typeof lenet300100Options>

/** LeNet-300-100 (LeCun et al. 1998), the fully connected net of Han et al.'s pruning experiments. */
export const lenet300100Model = zooModel<Lenet300100Options>('lenet-300-100', {
  description: 'LeNet-300-100 (LeCun et al.; pruned by Han et al.): Dense 300 relu, Dense 100 relu, output',
  options: lenet300100Options,
  build: (_options, ctx) => denseStack('lenet-300-100', ctx, [300, 100].map((units) => ({ units, activation: 'relu' }))),
})
