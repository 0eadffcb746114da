import type { Executor } from './executor.js'
import { registryFactory, runTrial } from './trial.js'

/** Trials one after another in this thread. */
export function inlineExecutor(): Executor {
  return {
    describe: 'serial, in this process',
    async run(tasks, onResult) {
      for (const task of tasks) {
        const createRegistry = await registryFactory(task.registryModule)
        onResult(await runTrial(task, await createRegistry(task.config, task.baseDir)))
      }
    },
    async close() {},
  }
}
