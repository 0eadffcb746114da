import type { Snapshot } from '@prunekit/core'
import { readExport, readFlops, readLatency, readNumber, readSize } from '@prunekit/metrics'

/** What a trial measured on its final model: the numbers the sweep compares trials by. */
export interface TrialMetrics {
  accuracy?: number
  loss?: number
  sparsity?: number
  /** Bytes of the model stored sparse (the sparse export's files when measured, else nonzero values + indices). */
  bytes?: number
  /** Multiply-accumulates per sample, counting nonzero kernel entries only. */
  macs?: number
  /** Median inference time at the first measured batch size (an evaluate step with `metrics: [latency]`). */
  latencyMs?: number
}

export type MetricKey = keyof TrialMetrics

/** The snapshot of the model's last stage: an export's snapshot measures its files, not the run's model. */
export function finalSnapshot(snapshots: readonly Snapshot[]): Snapshot | undefined {
  return snapshots.filter((s) => readExport(s) === undefined).at(-1)
}

/** The metrics a trial is compared by, from its last stage's snapshot; latency from the last snapshot that timed it. */
export function trialMetrics(snapshots: readonly Snapshot[]): TrialMetrics {
  const last = finalSnapshot(snapshots)
  if (!last) return {}
  const size = readSize(last)
  const latency = snapshots.map((s) => readLatency(s)).filter((l) => l !== undefined).at(-1)
  const metrics: TrialMetrics = {
    accuracy: readNumber(last, 'accuracy'),
    loss: readNumber(last, 'loss'),
    sparsity: readNumber(last, 'sparsity'),
    bytes: size ? (size.files?.sparse ?? size.nonzeroBytes) : undefined,
    macs: readFlops(last)?.effectiveMacs,
    latencyMs: latency?.batches[0]?.medianMs,
  }
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => v !== undefined && Number.isFinite(v))) as TrialMetrics
}
