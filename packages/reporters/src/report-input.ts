import type { RunInfo, RunResult, Snapshot, StepEndInfo } from '@prunekit/core'

/** What the file reporters render: the run (when its start was seen), its snapshots and steps. */
export interface ReportInput {
  run?: RunInfo
  snapshots: readonly Snapshot[]
  steps: readonly StepEndInfo[]
  seconds: number
  /** Set when the run was stopped early: the report covers the steps that finished. */
  interrupted?: RunResult['interrupted']
}
