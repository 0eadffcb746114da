import { bundlePlugin, type PrunekitPlugin } from '@prunekit/core'
import { builtinMetrics, type MetricsOptions } from './builtins.js'
import type { FlopsStats, HistogramSet, LatencyStats, LayerStats, ParamCounts, PatternStats, SizeStats } from './types.js'

/** Registers loss, accuracy, sparsity, params, layers, histograms, size, flops, latency and pattern (both opt-in), in that order. */
export function metricsPlugin(options: MetricsOptions = {}): PrunekitPlugin {
  const metrics = Object.values(builtinMetrics(options))
  return bundlePlugin('@prunekit/metrics', { metrics })
}

// Importing this package completes metric names in defineConfig() (see PrunekitMetrics in core): name -> what it reports.
declare module '@prunekit/core' {
  interface PrunekitMetrics {
    loss: number
    accuracy: number
    sparsity: number
    params: ParamCounts
    layers: LayerStats[]
    histograms: HistogramSet
    size: SizeStats
    flops: FlopsStats
    latency: LatencyStats
    pattern: PatternStats
  }
}
