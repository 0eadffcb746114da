import { Piscina } from 'piscina'
import { compiledModulePath, type Executor } from './executor.js'
import type { TrialResult, TrialTask } from './trial.js'

/** Trials on `workers` worker threads (piscina), each thread with its own tfjs and backend. */
export function threadExecutor(workers: number): Executor {
  const pool = new Piscina<TrialTask, TrialResult>({ filename: compiledModulePath('thread-worker'), minThreads: workers, maxThreads: workers, idleTimeout: 1000 })
  return {
    describe: `${workers} worker thread${workers === 1 ? '' : 's'}`,
    async run(tasks, onResult) {
      await Promise.all(tasks.map(async (task) => onResult(await pool.run(task))))
    },
    close: () => pool.destroy(),
  }
}
