import { fileURLToPath } from 'node:url'
import type { TrialResult, TrialTask } from './trial.js'

/** Told each result as it arrives; returns the trials that can start now (those that go on from its state), to run as well. */
export type OnTrialResult = (result: TrialResult) => readonly TrialTask[] | void

/** Runs trials somewhere (this thread, worker threads, BullMQ workers) and hands back each result as it arrives. */
export interface Executor {
  /** Human words for the progress line: "inline", "2 worker threads", "queue redis://...". */
  describe: string
  /** Runs `tasks`, and the trials each result makes ready, until none is left. */
  run(tasks: readonly TrialTask[], onResult: OnTrialResult): Promise<void>
  /** Stops its threads or connections; safe to call more than once. */
  close(): Promise<void>
}

/** A module of this package as compiled JavaScript: worker threads and child processes cannot load the TypeScript sources. */
export function compiledModulePath(name: string): string {
  const here = import.meta.url
  return fileURLToPath(here.endsWith('.ts') ? new URL(`../dist/${name}.js`, here) : new URL(`./${name}.js`, here))
}
