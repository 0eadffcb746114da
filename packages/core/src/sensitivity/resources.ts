import type { Dataset } from '../data.js'
import type { MetricValue } from '../metric.js'
import type { PrunableModel } from '../model.js'
import type { Registry } from '../registry.js'

/** What a budget can limit. */
export type BudgetResource = 'bytes' | 'macs'

interface ResourceSource {
  /** The registered metric that measures it (@prunekit/metrics registers both). */
  metric: string
  read(value: MetricValue): unknown
  /** For messages and reports. */
  unit: string
}

const field = (value: MetricValue, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined), value)

/** Read from the metrics the snapshots record, so a budget counts exactly what the reports show. */
export const resourceSources: Readonly<Record<BudgetResource, ResourceSource>> = {
  bytes: { metric: 'size', read: (v) => field(v, 'files', 'sparse'), unit: 'bytes of the sparse export (float32 values, model.json + data, uncompressed)' },
  macs: { metric: 'flops', read: (v) => field(v, 'effectiveMacs'), unit: 'multiply-accumulates per sample (nonzero kernel entries)' },
}

/** A model's bytes and MACs as the budget counts them; each is absent when its metric is not registered. */
export type Resources = Partial<Record<BudgetResource, number>>

/** The model's bytes and MACs, each when its metric is registered. */
export async function measureResources(model: PrunableModel, data: Dataset, registry: Registry): Promise<Resources> {
  const measured: Resources = {}
  for (const [resource, source] of Object.entries(resourceSources) as Array<[BudgetResource, ResourceSource]>) {
    if (!registry.metrics.has(source.metric)) continue
    const noEvaluation = () => Promise.reject(new Error(`${source.metric} measured a probe of the sensitivity step, which evaluates nothing for it`))
    const value = source.read(await registry.metrics.get(source.metric).compute({ label: 'probe', model, data, history: [], evaluation: noEvaluation }))
    if (typeof value === 'number') measured[resource] = value
  }
  return measured
}
