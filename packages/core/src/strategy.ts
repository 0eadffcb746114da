import type * as tf from '@tensorflow/tfjs-core'
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

/** A schedule maps an optimizer step to a target sparsity; plugins register more. */
export interface ScheduleFactory<O = Record<string, unknown>> extends Named {
  options: ZodType<O>
  create(options: O): (step: number) => number
}

export type ScoreTensor = tf.Tensor
