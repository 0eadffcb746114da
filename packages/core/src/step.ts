import type { ZodType } from 'zod'
import type { BackendInfo } from './backend.js'
import type { Named } from './catalog.js'
import type { PipelineConfig } from './config.js'
import type { Dataset } from './data.js'
import type { Snapshot } from './metric.js'
import type { ModelSlot } from './model-slot.js'
import type { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import type { ProgressEvent, StepInfo } from './reporter.js'
import type { Rng } from './rng.js'

/** Everything a step can read and change while the pipeline runs. */
export interface RunContext {
  config: PipelineConfig
  registry: Registry
  backend: BackendInfo
  rng: Rng
  data: Dataset
  /**
   * The one owner of the run's model, its optimizer state and its checkpoints. A step that makes a
   * new model (a smaller one, a folded one) hands it over with `slot.replace(next)`.
   */
  readonly slot: ModelSlot
  /** The current model: `slot.current`. */
  readonly model: PrunableModel
  history: Snapshot[]
  step: StepInfo
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
