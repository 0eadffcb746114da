import { z } from 'zod'

const sparsity = z.number().min(0).max(1)

export const initialSparsity = sparsity.default(0).describe('Sparsity at beginStep (s_i)')
export const beginStep = z.number().int().min(0).default(0).describe('Step at which pruning begins (t0); before it the sparsity is 0')
export const frequency = z
  .number()
  .int()
  .positive()
  .default(1)
  .describe('Steps between prunes (Δt): the sparsity changes only every frequency steps after beginStep')

/** When a schedule prunes: from beginStep, every frequency steps, up to endStep. */
export interface Timing {
  beginStep: number
  endStep: number
  frequency: number
}

/**
 * The step a schedule is evaluated at: t0 + kΔt, the last such step at or before `step`, so the
 * sparsity only changes every Δt steps; endStep itself from then on, so the final sparsity is reached.
 */
export function pruningStep(step: number, { beginStep: t0, endStep, frequency: dt }: Timing): number {
  if (step >= endStep) return endStep
  return t0 + Math.floor((step - t0) / dt) * dt
}

/** Adds an issue unless endStep comes after beginStep. */
export function checkTiming(value: { beginStep: number; endStep: number }, ctx: z.RefinementCtx): void {
  if (value.endStep <= value.beginStep) {
    ctx.addIssue({ code: 'custom', path: ['endStep'], message: `endStep (${value.endStep}) must come after beginStep (${value.beginStep})` })
  }
}

export { sparsity as sparsitySchema }
