import type { Catalog, Named } from './catalog.js'
import type { DatasetFactory } from './data.js'

import type { Metric } from './metric.js'
import type { ModelFactory } from './model.js'
import type { ReporterFactory } from './reporter.js'
import type { StepFactory } from './step.js'
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
export function registerAll(registry: Registry, bundle: { [K in CatalogName]?: Array<Named & object> }): void {
  for (const [kind, items] of Object.entries(bundle) as Array<[CatalogName, Array<Named & object>]>) {
    for (const item of items) (registry[kind] as Catalog<Named>).add(item)
  }
}

