import type { RunInfo, RunResult, Snapshot, StepEndInfo } from '@prunekit/core'
import { exportVariants, type ExportVariant } from './exports.js'
import { fileReporter } from './file-reporter.js'
import type { RunMeta } from './run-meta.js'
import type { TrainingCurve } from './training.js'

/** The shape of report.json. */
export interface JsonReport {
  prunekit: { format: 1 }
  run: RunInfo | undefined
  snapshots: readonly Snapshot[]
  steps: readonly StepEndInfo[]
  seconds: number
  /** The exported variants (snapshots with an `export` entry): bytes, ratio to float32, accuracy reloaded. */
  exports: ExportVariant[]
  /** Present when the run was stopped early (a signal): where, and why; the report covers the steps that finished. */
  interrupted?: RunResult['interrupted']
  /** Training loss per epoch of every train / finetune (and each iterate round, tickets and controls apart). */
  training: readonly TrainingCurve[]
  /** prunekit and tfjs versions, backend, host, start time (ISO 8601) and duration. */
  meta: RunMeta | undefined
}

export const jsonReporter = fileReporter({
  name: 'json',
  description: 'Writes report.json: the config, every snapshot\'s metrics, per-layer sparsity and weight histograms',
  file: 'report.json',
  render(input) {
    const report: JsonReport = { prunekit: { format: 1 }, run: input.run, snapshots: input.snapshots, steps: input.steps, seconds: input.seconds, exports: exportVariants(input.snapshots), training: input.training ?? [], meta: input.meta, ...(input.interrupted ? { interrupted: input.interrupted } : {}) }
    return `${JSON.stringify(report, null, 2)}\n`
  },
})
