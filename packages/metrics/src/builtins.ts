import type { Metric } from '@prunekit/core'
import { accuracyMetric, lossMetric } from './evaluation.js'
import { createHistogramsMetric, type HistogramOptions } from './histograms.js'
import { layersMetric } from './layers.js'
import { paramsMetric } from './params.js'
import { sizeMetric } from './size.js'
import { sparsityMetric } from './sparsity.js'

export type BuiltinMetric = 'loss' | 'accuracy' | 'sparsity' | 'params' | 'layers' | 'histograms' | 'size'
/** A built-in metric name (completed by editors) or any registered custom one. */
export type MetricName = BuiltinMetric | (string & {})

export type MetricsOptions = HistogramOptions

/** The built-in metrics by name, in the order they are registered and reported. */
export function builtinMetrics(options: MetricsOptions = {}): { [K in BuiltinMetric]: Metric } {
  return {
    loss: lossMetric,
    accuracy: accuracyMetric,
    sparsity: sparsityMetric,
    params: paramsMetric,
    layers: layersMetric,
    histograms: createHistogramsMetric(options),
    size: sizeMetric,
  }
}
