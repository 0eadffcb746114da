import type { MetricValue, Snapshot } from '../metric.js'

/** One probe: a single layer pruned to `sparsity`, the rest of the model as it was. */
export interface SensitivityPoint {
  sparsity: number
  /** Fraction of the layer's squared-weight mass the probe removed: the data-free proxy. */
  massRemoved: number
  /** Loss and accuracy on the sensitivity split; null in data-free mode (accuracy also for regression). */
  loss: number | null
  accuracy: number | null
}

export interface LayerCurve {
  name: string
  /** Weights in the layer's kernel. */
  weights: number
  /** Probes in increasing sparsity; the first is the unpruned layer (sparsity 0). */
  points: SensitivityPoint[]
}

/** A layer the strategy would not prune on its own, and why. */
export interface SkippedLayer {
  name: string
  reason: string
}

/** What a sensitivity step measured, as its snapshot's `sensitivity` metric (and report.json) holds it. */
export interface SensitivityCurves {
  strategy: string
  mode: 'data' | 'data-free'
  /** Which data the probes were evaluated on, e.g. `train[6000:8000]`; null in data-free mode. */
  split: string | null
  baseline: { loss: number | null; accuracy: number | null }
  layers: LayerCurve[]
  /** Layers the strategy refused to prune alone (left out of the curves and of any allocation). */
  skipped: SkippedLayer[]
}

export const sensitivityMetric = 'sensitivity'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const numberOrNull = (v: unknown) => v === null || typeof v === 'number'

function isPoint(v: unknown): v is SensitivityPoint {
  return isRecord(v) && typeof v.sparsity === 'number' && typeof v.massRemoved === 'number' && numberOrNull(v.loss) && numberOrNull(v.accuracy)
}

function isCurve(v: unknown): v is LayerCurve {
  return isRecord(v) && typeof v.name === 'string' && typeof v.weights === 'number' && Array.isArray(v.points) && v.points.every(isPoint)
}

/** The curves in a snapshot (one read back from report.json too), or undefined when it holds none. */
export function readSensitivity(snapshot: Pick<Snapshot, 'metrics'>): SensitivityCurves | undefined {
  const value: MetricValue | undefined = Object.hasOwn(snapshot.metrics, sensitivityMetric) ? snapshot.metrics[sensitivityMetric] : undefined
  if (!isRecord(value) || typeof value.strategy !== 'string' || !Array.isArray(value.layers) || !value.layers.every(isCurve)) return undefined
  return value as unknown as SensitivityCurves
}

/** The curves of the latest sensitivity step of a run. */
export function latestSensitivity(history: readonly Snapshot[]): SensitivityCurves | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const curves = readSensitivity(history[i])
    if (curves) return curves
  }
  return undefined
}
