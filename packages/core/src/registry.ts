import type { ZodType } from 'zod'
import type { BackendInfo } from './backend.js'
import type { Catalog, Named } from './catalog.js'
import type { PipelineConfig } from './config.js'
import type { ModelSlot } from './model-slot.js'
import type { Rng } from './rng.js'
import type { ResumableFit } from './run-state.js'
import type { Dataset, DatasetFactory } from './data.js'
import type { Metric, Snapshot } from './metric.js'
import type { ModelFactory, PrunableModel } from './model.js'
import type { ProgressEvent, ReporterFactory, StepInfo } from './reporter.js'
import type { PruningStrategy, ScheduleFactory } from './strategy.js'

export interface Registry {
  strategies: Catalog<PruningStrategy<unknown>>
  models: Catalog<ModelFactory<unknown>>
  datasets: Catalog<DatasetFactory<unknown>>
  metrics: Catalog<Metric>
  reporters: Catalog<ReporterFactory<unknown>>
  steps: Catalog<StepFactory<unknown>>
  schedules: Catalog<ScheduleFactory<unknown>>
  /** Registers a plugin; its entries are listed with `source` (package name or path). */
  use(plugin: PrunekitPlugin, source?: string): this
}

export interface PrunekitPlugin {
  name: string
  register(registry: Registry): void
}

/** Identity helper that types a plugin object. */
export function definePlugin(plugin: PrunekitPlugin): PrunekitPlugin {
  return plugin
}

export type Catalogs = Omit<Registry, 'use'>
export type CatalogName = keyof Catalogs

/** Registers every entry of a catalog-keyed bundle, e.g. `{ strategies: [a, b], steps: [c] }`. */
/** Entries by catalog, e.g. `{ strategies: [a, b], steps: [c] }`. */
export type Bundle = { [K in CatalogName]?: Array<Named & object> }

export function registerAll(registry: Registry, bundle: Bundle): void {
  for (const [kind, items] of Object.entries(bundle) as Array<[CatalogName, Array<Named & object>]>) {
    for (const item of items) (registry[kind] as Catalog<Named>).add(item)
  }
}

/** A plugin that only registers entries: `bundlePlugin('my-plugin', { strategies: [a], steps: [b] })`. */
export function bundlePlugin(name: string, bundle: Bundle): PrunekitPlugin {
  return definePlugin({ name, register: (registry) => registerAll(registry, bundle) })
}

// Steps and the run context refer to the registry and the registry holds steps: they live together, so no import circles back.
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
  /** Aborted when the run is to stop: long loops check it at safe points and throw a RunInterruptedError. */
  signal?: AbortSignal
  /**
   * Set for the step running when the run saves its state (or resumes): a step whose fit can save and go on
   * at epoch ends passes it to fitModel as `resume` (core's train and finetune do).
   */
  resumableFit?: ResumableFit
}

export interface StepFactory<O = Record<string, unknown>> extends Named {
  /** The options schema; a function when it depends on what is registered (e.g. strategies). */
  options: ZodType<O> | ((registry: Registry) => ZodType<O>)
  /** Overrides the JSON Schema derived from `options` (when that schema is too dynamic to convert). */
  jsonSchema?(registry: Registry): Record<string, unknown>
  /** Returns an optional one-line summary for reporters. */
  run(ctx: RunContext, options: O): Promise<string | void>
}
