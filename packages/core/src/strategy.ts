import type { ZodType } from 'zod'
import type { Named } from './catalog.js'
import type { Dataset } from './data.js'
import type { PrunableModel } from './model.js'
import type { Rng } from './rng.js'

/** What a strategy may use besides the model: seeded randomness and the run's data. */
export interface PruneContext {
  rng: Rng
  data?: Dataset
}

/** Validated options for one prune call. */
export interface PruneRequest<O> {
  options: O
}

export interface PruningStrategy<O = Record<string, unknown>> extends Named {
  /** Validated before the run starts; errors carry the config path. */
  options: ZodType<O>
  /** Returns the pruned model: the same instance with new masks, or a new, smaller model. */
  prune(model: PrunableModel, request: PruneRequest<O>, ctx: PruneContext): Promise<PrunableModel>
}

export function defineStrategy<O>(strategy: PruningStrategy<O>): PruningStrategy<O> {
  return strategy
}

/**
 * A pruning schedule: a pure function from a step count to the target sparsity (0..1). In train and
 * finetune the step is the optimizer step of that fit (0 before the first one); in `iterate` it is the round.
 */
export type Schedule = (step: number) => number

/** Makes schedules from validated options; plugins register them in `registry.schedules`. */
export interface ScheduleFactory<O = Record<string, unknown>> extends Named {
  options: ZodType<O>
  create(options: O): Schedule
}

export function defineSchedule<O>(factory: ScheduleFactory<O>): ScheduleFactory<O> {
  return factory
}
