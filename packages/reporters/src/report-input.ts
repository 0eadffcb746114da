import type { RunInfo, RunResult, Snapshot, StepEndInfo } from '@prunekit/core'
import type { RunMeta } from './run-meta.js'
import type { TrainingCurve } from './training.js'

/** What the file reporters render: the run (when its start was seen), its snapshots and steps. */
export interface ReportInput {
  run?: RunInfo
  snapshots: readonly Snapshot[]
  steps: readonly StepEndInfo[]
  seconds: number
  /** Set when the run was stopped early: the report covers the steps that finished. */
  interrupted?: RunResult['interrupted']
  /** Training loss per epoch of every fit, in run order (empty when nothing trained). */
  training?: readonly TrainingCurve[]
  /** Versions, backend, host, start time and duration. */
  meta?: RunMeta
}
