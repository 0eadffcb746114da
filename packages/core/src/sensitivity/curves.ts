import type { MetricValue, Snapshot } from '../metric.js'
import type { Resources } from './resources.js'

/** One probe: a single layer (or group) pruned to `sparsity`, the rest of the model as it was. */
export interface SensitivityPoint extends Resources {
  sparsity: number
  /** Fraction of the layer's squared-weight mass the probe removed: the data-free proxy. */
  massRemoved: number
  /** Loss and accuracy on the sensitivity split; null in data-free mode (accuracy also for regression). */
  loss: number | null
  accuracy: number | null
  // bytes and macs (Resources): the whole model's, measured after the probe when the size and flops metrics are registered.
}

/** A layer's curve, or a dependency group's: the layers a structured strategy only prunes together. */
export interface LayerCurve {
  /** The layer's name, or the group's layers joined with ` + `. */
  name: string
  /** A group's layers (absent for a single layer); the first one keys its per-layer override. */
  layers?: string[]
  /** Weights in the layer's kernel (a group: in its layers' kernels). */
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
  /** Which data the probes were evaluated on, e.g. `validation[0:2000]` or `train[6000:8000]`; null in data-free mode. */
  split: string | null
  /** The model before any probe: loss and accuracy, and its bytes and MACs when measured. */
  baseline: { loss: number | null; accuracy: number | null } & Resources
  layers: LayerCurve[]
  /** Layers (or groups) the strategy refused to prune alone (left out of the curves and of any allocation). */
  skipped: SkippedLayer[]
}

export const sensitivityMetric = 'sensitivity'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const numberOrNull = (v: unknown) => v === null || typeof v === 'number'
const optionalNumber = (v: unknown) => v === undefined || typeof v === 'number'

function isPoint(v: unknown): v is SensitivityPoint {
  return isRecord(v) && typeof v.sparsity === 'number' && typeof v.massRemoved === 'number' && numberOrNull(v.loss) && numberOrNull(v.accuracy) && optionalNumber(v.bytes) && optionalNumber(v.macs)
}

function isCurve(v: unknown): v is LayerCurve {
  return isRecord(v) && typeof v.name === 'string' && typeof v.weights === 'number' && (v.layers === undefined || (Array.isArray(v.layers) && v.layers.every((l) => typeof l === 'string'))) && Array.isArray(v.points) && v.points.every(isPoint)
}

/** The layers a curve prunes: a group's, or its own. */
export const curveLayers = (curve: Pick<LayerCurve, 'name' | 'layers'>): string[] => curve.layers ?? [curve.name]

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
