import { createRegistry, type Named, type Registry } from '@prunekit/core'
import { fileModelName, toJson } from '@prunekit/core/internal'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import { importancePlugin } from '@prunekit/strategy-importance'
import { iterativePlugin } from '@prunekit/strategy-iterative'
import { structuredPlugin } from '@prunekit/strategy-structured'
import type { Catalog, CatalogEntry } from './protocol.js'

/** Core and every first-party plugin, as the CLI has them. */
export const createPlaygroundRegistry = (): Registry =>
  createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin(), iterativePlugin(), importancePlugin()] })

const entries = (items: Array<{ item: Named & { options: Parameters<typeof toJson>[0] } }>): CatalogEntry[] =>
  items.map(({ item }) => ({ name: item.name, description: item.description, schema: toJson(item.options) }))

/** What the page's forms offer: the registry's models (but `file`, which a drop stands for), datasets, strategies and schedules, with their options' JSON Schemas. */
export function catalogOf(registry: Registry): Catalog {
  return {
    models: entries(registry.models.list().filter(({ item }) => item.name !== fileModelName)),
    datasets: entries(registry.datasets.list()),
    strategies: entries(registry.strategies.list()),
    schedules: entries(registry.schedules.list()),
  }
}
