import { Piscina } from 'piscina'
import { longestFirst, wasmThreadsPerWorker } from './balance.js'
import { compiledModulePath, type Executor } from './executor.js'
import type { ThreadTask, ThreadWarmup } from './thread-worker.js'
import type { TrialResult, TrialTask } from './trial.js'

/** Options of the worker-thread executor. */
export interface ThreadOptions {
  /** The registry module trials will name: each thread imports it as it starts, before its first trial. */
  registryModule?: string
}

/**
 * Trials on `workers` worker threads (piscina), each thread with its own tfjs and backend. The
 * threads start (tfjs imported, wasm backend ready) as soon as the executor is made; trials go
 * longest first, and each trial's wasm gets the cores left per worker (one, when workers fill them).
 */
export function threadExecutor(workers: number, options: ThreadOptions = {}): Executor {
  const wasmThreads = wasmThreadsPerWorker(workers)
  const workerData: ThreadWarmup = { registryModule: options.registryModule }
  const pool = new Piscina<ThreadTask, TrialResult>({ filename: compiledModulePath('thread-worker'), minThreads: workers, maxThreads: workers, idleTimeout: 1000, workerData })
  let closed: Promise<void> | undefined
  return {
    describe: `${workers} worker thread${workers === 1 ? '' : 's'}`,
    async run(tasks, onResult) {
      const runAll = (batch: readonly TrialTask[]): Promise<unknown> =>
        Promise.all(longestFirst(batch).map(async (task) => runAll(onResult(await pool.run({ task, wasmThreads })) ?? [])))
      await runAll(tasks)
    },
    close: () => (closed ??= pool.destroy()),
  }
}
