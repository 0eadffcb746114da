export type BuiltinMetric = 'loss' | 'accuracy' | 'sparsity' | 'params' | 'layers' | 'histograms' | 'size' | 'flops' | 'latency' | 'pattern'
/** A built-in metric name (completed by editors) or any registered custom one. */
export type MetricName = BuiltinMetric | (string & {})

// Plain object types (not interfaces) so that each one is assignable to core's MetricValue.

/** Parameter counts over every trainable weight (total) and over the prunable kernels (rank >= 2). */
export type ParamCounts = {
  total: number
  nonzero: number
  prunable: number
  prunableNonzero: number
  /** Parameters as the model was built, before structured pruning removed any (equal to total until then). */
  built: number
  /** Kernel entries as the model was built. */
  prunableBuilt: number
}

/** One row per layer that has a kernel. A layer with several kernels (LSTM) sums them. */
export type LayerStats = {
  name: string
  /** The layer's class name: Dense, Conv2D ... */
  type: string
  /** Shape of the layer's first kernel. */
  shape: number[]
  /** Kernel entries (the prunable weights of the layer). */
  params: number
  nonzero: number
  /**
   * Fraction of the layer's kernel entries as built that are zero or gone, 0..1: exact zeros, and the
   * entries structured pruning removed (so a layer cut from 300 to 150 units reads at least 0.5).
   */
  sparsity: number
  /** Kernel entries as the model was built, when structured pruning has cut the layer since. */
  builtParams?: number
  /** The layer's other trainable entries (its bias), never counted as prunable. */
  biasParams: number
  /**
   * Output units (Dense) or filters (Conv): the last dimension of the layer's output. Structured pruning
   * shrinks it; compare it across snapshots (core's unitChanges) to show "units before -> after".
   */
  units?: number
}

/** How one layer's kernel follows an N:M pattern. */
export type LayerPattern = {
  name: string
  /** Groups of M consecutive kernel weights along the input axis. */
  groups: number
  /** Groups with at most N nonzero weights. */
  compliant: number
  /** compliant / groups, 0..1: 1 when the whole layer follows the pattern. */
  compliance: number
  /** The most nonzero weights in any one group. */
  maxKept: number
}

/** The `pattern` metric: the N:M pattern checked (N kept in every M) and each layer's compliance. */
export type PatternStats = {
  pattern: string
  layers: LayerPattern[]
}

/** Counts of one layer's kernel values in fixed bins: edges has counts.length + 1 ascending entries. */
export type LayerHistogram = {
  name: string
  edges: number[]
  counts: number[]
}

export type HistogramSet = {
  bins: number
  layers: LayerHistogram[]
}

/** Storage estimates: dense float32, and a naive sparse COO layout (float32 value + int32 index). */
export type SizeStats = {
  denseBytes: number
  nonzeroBytes: number
  /** Exact bytes of the files each export variant writes (model.json + data), uncompressed. */
  files?: { float32: number; uint8: number; sparse: number; 'sparse-uint8': number }
}

/**
 * The `export` entry of the snapshot the export step records after reading its files back (written by
 * @prunekit/models): the files' bytes, the float32 export's, and each layer's quantization error.
 */
export type ExportStats = {
  file: string
  /** layers (stock tfjs) or sparse. */
  format: string
  /** float32, uint8, uint16 or float16. */
  dtype: string
  raw: number
  gzip: number
  brotli: number
  /** The same model exported as stock float32. */
  float32: { raw: number; gzip: number; brotli: number }
  /** Per layer with weights: max and mean |reloaded - source| over its weights. */
  layers: Array<{ layer: string; max: number; mean: number }>
}

/** Multiply-accumulates of one layer for one sample: of the model as it is, and counting nonzero kernel entries only. */
export type LayerFlops = {
  name: string
  type: string
  macs: number
  effectiveMacs: number
}

/** Multiply-accumulates for one sample through the whole model, and per layer with a kernel. */
export type FlopsStats = {
  macs: number
  effectiveMacs: number
  layers: LayerFlops[]
}

/** The median time of one inference at one batch size. */
export type LatencyPoint = {
  batch: number
  medianMs: number
  samplesPerSecond: number
}

/** Inference latency on one backend: medians of `runs` timed runs after `warmup` untimed ones. */
export type LatencyStats = {
  backend: string
  warmup: number
  runs: number
  batches: LatencyPoint[]
}
