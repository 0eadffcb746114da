import type { MetricValue, Snapshot } from '@prunekit/core'
import type { ExportStats, FlopsStats, HistogramSet, LatencyPoint, LatencyStats, LayerFlops, LayerHistogram, LayerStats, MetricName, ParamCounts, PatternStats, SizeStats } from './types.js'

// Snapshot.metrics holds untyped MetricValues (and may come back from report.json): these check
// the shape before a reporter relies on it.

/** Anything that carries a snapshot's metrics: a `Snapshot`, or one read back from report.json. */
export type SnapshotMetrics = Pick<Snapshot, 'metrics'>

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number')
}

function hasNumbers(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return keys.every((key) => typeof value[key] === 'number')
}

export function isParamCounts(value: unknown): value is ParamCounts {
  return isRecord(value) && hasNumbers(value, ['total', 'nonzero', 'prunable', 'prunableNonzero', 'built', 'prunableBuilt'])
}

export function isLayerStats(value: unknown): value is LayerStats {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    typeof value.type === 'string' &&
    isNumberArray(value.shape) &&
    hasNumbers(value, ['params', 'nonzero', 'sparsity', 'biasParams']) &&
    (value.units === undefined || typeof value.units === 'number')
  )
}

export function isLayerHistogram(value: unknown): value is LayerHistogram {
  return (
    isRecord(value) &&
    typeof value.name === 'string' &&
    isNumberArray(value.edges) &&
    isNumberArray(value.counts) &&
    value.edges.length === value.counts.length + 1
  )
}

export function isHistogramSet(value: unknown): value is HistogramSet {
  return isRecord(value) && typeof value.bins === 'number' && Array.isArray(value.layers) && value.layers.every(isLayerHistogram)
}

export function isSizeStats(value: unknown): value is SizeStats {
  return isRecord(value) && hasNumbers(value, ['denseBytes', 'nonzeroBytes'])
}

function isLayerFlops(value: unknown): value is LayerFlops {
  return isRecord(value) && typeof value.name === 'string' && typeof value.type === 'string' && hasNumbers(value, ['macs', 'effectiveMacs'])
}

export function isFlopsStats(value: unknown): value is FlopsStats {
  return isRecord(value) && hasNumbers(value, ['macs', 'effectiveMacs']) && Array.isArray(value.layers) && value.layers.every(isLayerFlops)
}

function isLatencyPoint(value: unknown): value is LatencyPoint {
  return isRecord(value) && hasNumbers(value, ['batch', 'medianMs', 'samplesPerSecond'])
}

export function isLatencyStats(value: unknown): value is LatencyStats {
  return isRecord(value) && typeof value.backend === 'string' && hasNumbers(value, ['warmup', 'runs']) && Array.isArray(value.batches) && value.batches.every(isLatencyPoint)
}

function isExportError(value: unknown): boolean {
  return isRecord(value) && typeof value.layer === 'string' && hasNumbers(value, ['max', 'mean'])
}

export function isExportStats(value: unknown): value is ExportStats {
  return (
    isRecord(value) &&
    ['file', 'format', 'dtype'].every((key) => typeof value[key] === 'string') &&
    hasNumbers(value, ['raw', 'gzip', 'brotli']) &&
    isRecord(value.float32) &&
    hasNumbers(value.float32, ['raw', 'gzip', 'brotli']) &&
    Array.isArray(value.layers) &&
    value.layers.every(isExportError)
  )
}

/** The raw value of a metric in a snapshot, or undefined when it was not measured. */
export function readValue(snapshot: SnapshotMetrics, name: MetricName): MetricValue | undefined {
  return Object.hasOwn(snapshot.metrics, name) ? snapshot.metrics[name] : undefined
}

/** A numeric metric (loss, accuracy, sparsity ...); undefined when missing or not a number. */
export function readNumber(snapshot: SnapshotMetrics, name: MetricName): number | undefined {
  const value = readValue(snapshot, name)
  return typeof value === 'number' ? value : undefined
}

/** A typed reader of one metric: the value when it has the expected shape, otherwise undefined. */
function reader<T>(guard: (value: unknown) => value is T, defaultName: MetricName) {
  return (snapshot: SnapshotMetrics, name: MetricName = defaultName): T | undefined => {
    const value = readValue(snapshot, name)
    return guard(value) ? value : undefined
  }
}

function isLayerPattern(value: unknown): boolean {
  return isRecord(value) && typeof value.name === 'string' && hasNumbers(value, ['groups', 'compliant', 'compliance', 'maxKept'])
}

export function isPatternStats(value: unknown): value is PatternStats {
  return isRecord(value) && typeof value.pattern === 'string' && Array.isArray(value.layers) && value.layers.every(isLayerPattern)
}

const isLayerStatsList = (value: unknown): value is LayerStats[] => Array.isArray(value) && value.every(isLayerStats)

export const readParams = reader(isParamCounts, 'params')
export const readLayers = reader(isLayerStatsList, 'layers')
export const readHistograms = reader(isHistogramSet, 'histograms')
export const readSize = reader(isSizeStats, 'size')
export const readFlops = reader(isFlopsStats, 'flops')
export const readLatency = reader(isLatencyStats, 'latency')
export const readPattern = reader(isPatternStats, 'pattern')
export const readExport = reader(isExportStats, 'export')
