import type * as tf from '@tensorflow/tfjs-core'
import type { ZodType } from 'zod'
import type { BackendInfo } from './backend.js'
import type { Checkpoint } from './checkpoint.js'
import type { Named } from './catalog.js'
import type { PipelineConfig } from './config.js'
import type { Dataset } from './data.js'
import type { Snapshot } from './metric.js'
import type { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import type { ProgressEvent, StepInfo } from './reporter.js'
import type { Rng } from './rng.js'
import type { TrainDefaults } from './trainer.js'

/** Everything a step can read and change while the pipeline runs. */
export interface RunContext {
  config: PipelineConfig
  registry: Registry
  backend: BackendInfo
  rng: Rng
  data: Dataset
  /** The current model; a structured strategy may replace it with a smaller one. */
  model: PrunableModel
  history: Snapshot[]
  /** Named weight/mask copies; "init" holds the model as built or loaded. Disposed when the run ends. */
  checkpoints: Map<string, Checkpoint>
  step: StepInfo
  /**
   * The run's optimizer for the current model and settings: train and finetune steps continue its
   * state, as consecutive Keras fit() calls do. Disposed when the run ends.
   */
  optimizer(name: TrainDefaults['optimizer'], learningRate: number): tf.Optimizer
  progress(event: Omit<ProgressEvent, 'step'>): void
  snapshot(snapshot: Snapshot): Promise<void>
}

export interface StepFactory<O = Record<string, unknown>> extends Named {
  /** The options schema; a function when it depends on what is registered (e.g. strategies). */
  options: ZodType<O> | ((registry: Registry) => ZodType<O>)
  /** Overrides the JSON Schema derived from `options` (when that schema is too dynamic to convert). */
  jsonSchema?(registry: Registry): Record<string, unknown>
  /** Returns an optional one-line summary for reporters. */
  run(ctx: RunContext, options: O): Promise<string | void>
}

export function defineStep<O>(step: StepFactory<O>): StepFactory<O> {
  return step
}

export function stepSchema<O>(step: StepFactory<O>, registry: Registry): ZodType<O> {
  return typeof step.options === 'function' ? step.options(registry) : step.options
}
