import { fileURLToPath } from 'node:url'
import type { TrialResult, TrialTask } from './trial.js'

/** Runs trials somewhere (this thread, worker threads, BullMQ workers) and hands back each result as it arrives. */
export interface Executor {
  /** Human words for the progress line: "inline", "2 worker threads", "queue redis://...". */
  describe: string
  run(tasks: readonly TrialTask[], onResult: (result: TrialResult) => void): Promise<void>
  close(): Promise<void>
}

/** A module of this package as compiled JavaScript: worker threads and child processes cannot load the TypeScript sources. */
export function compiledModulePath(name: string): string {
  const here = import.meta.url
  return fileURLToPath(here.endsWith('.ts') ? new URL(`../dist/${name}.js`, here) : new URL(`./${name}.js`, here))
}
