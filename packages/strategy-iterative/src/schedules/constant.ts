import { defineSchedule, type ScheduleFactory } from '@prunekit/core'
import { z } from 'zod'
import { beginStep, sparsitySchema } from './timing.js'

export const constantOptions = z
  .object({
    sparsity: sparsitySchema.describe('The target, from beginStep on'),
    beginStep,
  })
  .strict()

export type ConstantOptions = z.output<typeof constantOptions>

export const constantSchedule: ScheduleFactory<ConstantOptions> = defineSchedule({
  name: 'constant',
  description: 'One target from beginStep on (TFMOT ConstantSparsity): one-shot pruning at that step',
  options: constantOptions,
  create:
    ({ sparsity, beginStep: t0 }) =>
    (step) =>
      step < t0 ? 0 : sparsity,
})
