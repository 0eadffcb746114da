import type { ZodType } from 'zod'
import type { Registry, StepFactory } from './registry.js'

export function defineStep<O>(step: StepFactory<O>): StepFactory<O> {
  return step
}

export function stepSchema<O>(step: StepFactory<O>, registry: Registry): ZodType<O> {
  return typeof step.options === 'function' ? step.options(registry) : step.options
}
