import type { ZodType } from 'zod'
import type { BackendInfo } from './backend.js'
import type { Named } from './catalog.js'
import type { PipelineConfig } from './config.js'
import type { Snapshot } from './metric.js'
import type { TrainProgress } from './trainer.js'

export interface RunInfo {
  config: PipelineConfig
  backend: BackendInfo
  model: { name: string; params: number; layers: number }
  data: { name: string; train: number; test: number; task: string }
  steps: string[]
}

export interface StepInfo {
  index: number
  name: string
  total: number
}

export interface ProgressEvent extends TrainProgress {
  step: StepInfo
}

export interface StepEndInfo extends StepInfo {
  seconds: number
  /** One line about what the step did, e.g. "pruned 239,580 of 266,200 weights". */
  summary?: string
}

export interface RunResult {
  snapshots: Snapshot[]
  steps: StepEndInfo[]
  seconds: number
  out: string
  /** Files the reporters wrote (each reporter's onRunEnd may return its paths). */
  files: string[]
  /** Set when the run was stopped early (a signal): the steps and snapshots are those finished before. */
  interrupted?: { reason: string; step: StepInfo; message: string }
}

/** Every hook is optional and may be async; hooks run in the order reporters are listed. */
export interface Reporter {
  onRunStart?(run: RunInfo): void | Promise<void>
  onStepStart?(step: StepInfo): void | Promise<void>
  onProgress?(progress: ProgressEvent): void
  onSnapshot?(snapshot: Snapshot): void | Promise<void>
  onStepEnd?(step: StepEndInfo): void | Promise<void>
  /** May return the paths of files it wrote; the runner lists them. */
  onRunEnd?(result: RunResult): void | string[] | Promise<void | string[]>
}

export interface ReporterContext {
  /** Output directory of the run. */
  out: string
  quiet: boolean
}

export interface ReporterFactory<O = Record<string, unknown>> extends Named {
  options: ZodType<O>
  create(options: O, ctx: ReporterContext): Reporter
}

export function defineReporter<O>(factory: ReporterFactory<O>): ReporterFactory<O> {
  return factory
}
