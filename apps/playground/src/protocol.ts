import type { JsonSchema } from '@prunekit/core/internal'
import type { ConfigInput, ProgressEvent, RunInfo, RunResult, Snapshot, StepEndInfo } from '@prunekit/core'

/** How the pruned model is downloaded: the stock tfjs Layers format (float32 or quantized) or the sparse format. */
export interface DownloadFormat {
  format: 'layers' | 'sparse'
  quantize?: 'uint8' | 'uint16' | 'float16'
}

/** Page -> worker. */
export type ToWorker =
  | {
      type: 'run'
      config: ConfigInput
      /** The dropped model's files, by name relative to its model.json. */
      modelFiles: Array<[string, Uint8Array]>
      download: DownloadFormat
    }
  | { type: 'stop' }

/** The pruned model's files, ready to download. */
export interface ExportedModel {
  files: Array<[string, Uint8Array]>
  description: string
}

/** A registry entry as the page shows it: its options as JSON Schema (what the forms are made from). */
export interface CatalogEntry {
  name: string
  description: string
  schema: JsonSchema
}

/** What the worker's registry holds: read at build time (virtual:prunekit-catalog), so the form draws before the worker loads. */
export interface Catalog {
  models: CatalogEntry[]
  datasets: CatalogEntry[]
  strategies: CatalogEntry[]
  schedules: CatalogEntry[]
}

/** Worker -> page: a run's reporter events, then its end. */
export type FromWorker =
  | { type: 'runStart'; run: RunInfo }
  | { type: 'progress'; progress: ProgressEvent }
  | { type: 'stepStart'; name: string; index: number; total: number }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'stepEnd'; step: StepEndInfo }
  | { type: 'done'; seconds: number; interrupted?: RunResult['interrupted']; model?: ExportedModel; tensors: number }
  | { type: 'error'; message: string; tensors: number }
