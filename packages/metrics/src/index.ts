export { histogram, symmetricEdges } from './binning.js'
export { builtinMetrics, type MetricsOptions } from './builtins.js'
export { accuracyMetric, lossMetric } from './evaluation.js'
export { flopsMetric } from './flops.js'
export { createHistogramsMetric, histogramsMetric, type HistogramOptions } from './histograms.js'
export { kernelLayers, type KernelLayer } from './layer-groups.js'
export { createLatencyMetric, latencyMetric, measureLatency, type LatencyOptions } from './latency.js'
export { layersMetric } from './layers.js'
export { paramsMetric } from './params.js'
export { createPatternMetric, patternMetric, type PatternOptions } from './pattern.js'
export { metricsPlugin } from './plugin.js'
export {
  isExportStats,
  isFlopsStats,
  isHistogramSet,
  isLatencyStats,
  isLayerHistogram,
  isLayerStats,
  isParamCounts,
  isPatternStats,
  isSizeStats,
  readExport,
  readFlops,
  readHistograms,
  readLatency,
  readLayers,
  readNumber,
  readParams,
  readPattern,
  readSize,
  readValue,
  type SnapshotMetrics,
} from './readers.js'
export { sizeMetric } from './size.js'
export { sparsityMetric } from './sparsity.js'
export type {
  BuiltinMetric,
  ExportStats,
  FlopsStats,
  HistogramSet,
  LatencyPoint,
  LatencyStats,
  LayerFlops,
  LayerHistogram,
  LayerPattern,
  LayerStats,
  MetricName,
  ParamCounts,
  PatternStats,
  SizeStats,
} from './types.js'
export { weightStats, type WeightStat, type WeightStats } from './weight-stats.js'
