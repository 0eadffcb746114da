import { defineSchedule, type ScheduleFactory } from '@prunekit/core'
import { z } from 'zod'
import { beginStep, checkTiming, frequency, initialSparsity, pruningStep, sparsitySchema } from './timing.js'

export function polynomialOptions(defaultPower: number) {
  return z
    .object({
      initialSparsity,
      finalSparsity: sparsitySchema.describe('Sparsity reached at endStep (s_f)'),
      beginStep,
      endStep: z.number().int().positive().describe('Step at which finalSparsity is reached (t0 + nΔt)'),
      frequency,
      power: z.number().positive().default(defaultPower).describe('Exponent of the decay: 3 prunes fast early and slowly at the end'),
    })
    .strict()
    .superRefine((value, ctx) => {
      checkTiming(value, ctx)
      if (value.finalSparsity < value.initialSparsity) {
        ctx.addIssue({ code: 'custom', path: ['finalSparsity'], message: `finalSparsity (${value.finalSparsity}) is below initialSparsity (${value.initialSparsity}); masks only grow` })
      }
    })
}

export type PolynomialOptions = z.output<ReturnType<typeof polynomialOptions>>

/** s_t = s_f + (s_i - s_f)(1 - (t - t0)/(nΔt))^power for t = t0, t0 + Δt, ..., t0 + nΔt (Zhu & Gupta 2017). */
export function polynomialSparsity(options: PolynomialOptions, step: number): number {
  const { initialSparsity: si, finalSparsity: sf, beginStep: t0, endStep, power } = options
  if (step < t0) return 0
  const progress = (pruningStep(step, options) - t0) / (endStep - t0)
  return sf + (si - sf) * (1 - progress) ** power
}

export const polynomialSchedule: ScheduleFactory<PolynomialOptions> = defineSchedule({
  name: 'polynomial',
  description: "Zhu & Gupta's gradual pruning (TFMOT PolynomialDecay, NNI AGP): fast at first, slower towards finalSparsity",
  options: polynomialOptions(3),
  create: (options) => (step) => polynomialSparsity(options, step),
})

export const linearSchedule: ScheduleFactory<PolynomialOptions> = defineSchedule({
  name: 'linear',
  description: 'Sparsity rises in equal increments from initialSparsity at beginStep to finalSparsity at endStep',
  options: polynomialOptions(1),
  create: (options) => (step) => polynomialSparsity({ ...options, power: 1 }, step),
})
