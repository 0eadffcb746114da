// The task a piscina worker thread runs: one trial, with this thread's own tfjs and backend.
import { registryFactory, runTrial, type TrialResult, type TrialTask } from './trial.js'

export default async function runTrialTask(task: TrialTask): Promise<TrialResult> {
  const createRegistry = await registryFactory(task.registryModule)
  return runTrial(task, await createRegistry(task.config, task.baseDir))
}
