// The task a piscina worker thread runs: one trial, with this thread's own tfjs and backend.
import { setupBackend } from '@prunekit/core'
import { workerData } from 'piscina'
import { withWasmThreads } from './balance.js'
import { registryFactory, runTrial, type TrialResult, type TrialTask } from './trial.js'

/** What a thread prepares as it starts, before piscina hands it a trial. */
export interface ThreadWarmup {
  registryModule?: string
}

export interface ThreadTask {
  task: TrialTask
  /** The most wasm threads a trial may use here: the workers already share the cores. */
  wasmThreads: number
}

// Ready before the first trial: the wasm backend compiled and started, the registry module imported.
const warmup = workerData as ThreadWarmup | undefined
await setupBackend('wasm', { threads: 1 })
if (warmup?.registryModule) await registryFactory(warmup.registryModule)

export default async function runTrialTask(job: ThreadTask): Promise<TrialResult> {
  const task = withWasmThreads(job.task, job.wasmThreads)
  const createRegistry = await registryFactory(task.registryModule)
  return runTrial(task, await createRegistry(task.config, task.baseDir))
}
