import type { Executor } from './executor.js'
import { registryFactory, runTrial, type TrialTask } from './trial.js'

/** Trials one after another in this thread; the trials the results make ready run after the given ones, in id order. */
export function inlineExecutor(): Executor {
  return {
    describe: 'serial, in this process',
    async run(tasks, onResult) {
      const runOne = async (task: TrialTask) => {
        const createRegistry = await registryFactory(task.registryModule)
        return onResult(await runTrial(task, await createRegistry(task.config, task.baseDir))) ?? []
      }
      const ready: TrialTask[] = []
      for (const task of tasks) ready.push(...(await runOne(task)))
      ready.sort((a, b) => a.id.localeCompare(b.id))
      for (let i = 0; i < ready.length; i++) ready.push(...(await runOne(ready[i])))
    },
    async close() {},
  }
}
