import { defineSchedule, type ScheduleFactory } from '@prunekit/core'
import { z } from 'zod'
import { beginStep, frequency, initialSparsity, sparsitySchema } from './timing.js'

export const geometricOptions = z
  .object({
    rate: z.number().gt(0).lt(1).describe('Fraction of the remaining weights each prune removes (Frankle & Carbin: 0.2)'),
    initialSparsity,
    finalSparsity: sparsitySchema.default(1).describe('Upper bound: the sparsity stops rising here'),
    beginStep,
    frequency,
  })
  .strict()

export type GeometricOptions = z.output<typeof geometricOptions>

/** After k prunes (k = floor((t - t0)/Δt)), 1 - (1 - s_i)(1 - rate)^k of the weights are gone, up to finalSparsity. */
export function geometricSparsity(options: GeometricOptions, step: number): number {
  const { rate, initialSparsity: si, finalSparsity, beginStep: t0, frequency: dt } = options
  if (step < t0) return 0
  const prunes = Math.floor((step - t0) / dt)
  return Math.min(finalSparsity, 1 - (1 - si) * (1 - rate) ** prunes)
}

export const geometricSchedule: ScheduleFactory<GeometricOptions> = defineSchedule({
  name: 'geometric',
  description: 'Each prune removes a fixed fraction of the weights still left (iterative magnitude pruning, lottery tickets)',
  options: geometricOptions,
  create: (options) => (step) => geometricSparsity(options, step),
})
