import type { Metric } from '@prunekit/core'
import { accuracyMetric, lossMetric } from './evaluation.js'
import { flopsMetric } from './flops.js'
import { createHistogramsMetric, type HistogramOptions } from './histograms.js'
import { createLatencyMetric, type LatencyOptions } from './latency.js'
import { layersMetric } from './layers.js'
import { createPatternMetric, type PatternOptions } from './pattern.js'
import { paramsMetric } from './params.js'
import { sizeMetric } from './size.js'
import { sparsityMetric } from './sparsity.js'
import type { BuiltinMetric } from './types.js'

export interface MetricsOptions extends HistogramOptions, PatternOptions {
  /** Batch sizes, warm-up and timed runs of the opt-in `latency` metric. */
  latency?: LatencyOptions
}

/** The built-in metrics by name, in the order they are registered and reported; latency and pattern are opt-in (measured when named). */
export function builtinMetrics(options: MetricsOptions = {}): { [K in BuiltinMetric]: Metric } {
  return {
    loss: lossMetric,
    accuracy: accuracyMetric,
    sparsity: sparsityMetric,
    params: paramsMetric,
    layers: layersMetric,
    histograms: createHistogramsMetric(options),
    size: sizeMetric,
    flops: flopsMetric,
    latency: createLatencyMetric(options.latency),
    pattern: createPatternMetric(options),
  }
}
