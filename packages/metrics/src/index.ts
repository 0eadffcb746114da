export { defaultBins, edgesProblem, histogram, symmetricEdges } from './binning.js'
export { builtinMetrics, type BuiltinMetric, type MetricName, type MetricsOptions } from './builtins.js'
export { accuracyMetric, lossMetric } from './evaluation.js'
export { createHistogramsMetric, earlierEdges, histogramsMetric, type HistogramOptions } from './histograms.js'
export { kernelLayers, type KernelLayer } from './layer-groups.js'
export { layersMetric } from './layers.js'
export { countParams, paramsMetric } from './params.js'
export { metricsPlugin } from './plugin.js'
export {
  isHistogramSet,
  isLayerHistogram,
  isLayerStats,
  isParamCounts,
  isSizeStats,
  readHistograms,
  readLayers,
  readNumber,
  readParams,
  readSize,
  readValue,
} from './readers.js'
export { sizeMetric } from './size.js'
export { sparsityMetric } from './sparsity.js'
export type { HistogramSet, LayerHistogram, LayerStats, ParamCounts, SizeStats } from './types.js'
export { isPrunable, weightStats, type WeightStat, type WeightStats } from './weight-stats.js'
