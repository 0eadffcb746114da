import type { RunInfo, Snapshot, StepEndInfo } from '@prunekit/core'

/** What the file reporters render: the run (when its start was seen), its snapshots and steps. */
export interface ReportInput {
  run?: RunInfo
  snapshots: readonly Snapshot[]
  steps: readonly StepEndInfo[]
  seconds: number
}
