import type { Named } from './catalog.js'
import type { Dataset } from './data.js'
import type { Evaluation } from './evaluate.js'
import type { PrunableModel } from './model.js'

export type MetricValue = number | string | boolean | null | MetricValue[] | { [key: string]: MetricValue }

/** A labelled measurement of the model at one point of the pipeline. */
export interface Snapshot {
  label: string
  /** Index of the pipeline step that took it. */
  step: number
  /** Set when the snapshot measured the validation split instead of the test split. */
  split?: 'validation'
  metrics: Record<string, MetricValue>
}

/** What a metric sees. evaluation() runs the evaluated split (test by default) once and is shared by every metric. */
export interface SnapshotContext {
  label: string
  model: PrunableModel
  data: Dataset
  /** Earlier snapshots of this run, oldest first (for shared histogram edges, deltas ...). */
  history: readonly Snapshot[]
  evaluation(): Promise<Evaluation>
}

export interface Metric extends Named {
  /** Measured only when an evaluate step names it (`metrics: [latency]`), e.g. because it is slow. */
  optIn?: boolean
  compute(ctx: SnapshotContext): Promise<MetricValue>
}

export function defineMetric(metric: Metric): Metric {
  return metric
}
