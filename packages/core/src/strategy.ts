import type * as tf from '@tensorflow/tfjs-core'
import type { ZodType } from 'zod'
import type { Named } from './catalog.js'
import type { Dataset } from './data.js'
import type { PrunableModel, WeightRef } from './model.js'
import type { Registry } from './registry.js'
import type { Rng } from './rng.js'

/** What a strategy may use besides the model: seeded randomness, the run's data and registry. */
export interface PruneContext {
  rng: Rng
  data?: Dataset
  /** The run's registry, where a strategy finds another by name (a structured strategy's `importance`). */
  registry?: Registry
}

/** Watches a fit's optimizer steps for a strategy that learns from training (movement pruning). */
export interface GradientWatch {
  /** Every optimizer step's gradients keyed by weight key, before they are applied; disposed after. */
  step(gradients: ReadonlyMap<string, tf.Tensor>, model: PrunableModel): void
  /** The fit ended: free what was accumulated. */
  close(): void
}

/** Layers a strategy can only prune together (a structured strategy's dependency group), and why one cannot be pruned. */
export interface PruneGroup {
  /** The group's layers with a kernel; the first one names the group in per-layer overrides. */
  layers: string[]
  /** Set when the strategy refuses to prune this group (a model output, a layer in the way). */
  refused?: string
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
  /**
   * The raw score of every weight of `refs` (higher is more important), for strategies that rank
   * whole units by summing it; score strategies have it. Pruned weights are not set apart.
   */
  scoreWeights?(model: PrunableModel, refs: WeightRef[], ctx: PruneContext, options: O): Promise<Float32Array[]>
  /**
   * The groups of layers this strategy, with these options, prunes as one (sensitivity probes and
   * allocates per group); without it every layer with a kernel is its own group.
   */
  groups?(model: PrunableModel, options: O): PruneGroup[]
  /** A fit that prunes with this strategy on a schedule opens a watch when it starts and closes it when it ends. */
  watch?(): GradientWatch
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
