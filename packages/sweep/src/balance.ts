import { availableParallelism } from 'node:os'
import type { TrialTask } from './trial.js'

/** Every numeric `epochs` in a step's options, summed (train, finetune, iterate's rounds ...). */
function epochsIn(options: unknown): number {
  if (Array.isArray(options)) return options.reduce((sum: number, o) => sum + epochsIn(o), 0)
  if (typeof options !== 'object' || options === null) return 0
  return Object.entries(options).reduce((sum, [key, value]) => sum + (key === 'epochs' && typeof value === 'number' ? value : epochsIn(value)), 0)
}

/**
 * A trial's relative cost, before it runs: training epochs times training examples (a step without
 * epochs counts as one epoch's worth of evaluation). Good enough to order trials, not to time them.
 */
export function estimatedCost(task: TrialTask): number {
  const { data, pipeline } = task.config
  const examples = typeof data.train === 'number' ? data.train : 1
  return examples * pipeline.reduce((sum: number, step) => sum + Math.max(1, epochsIn(step)), 0)
}

/** Longest trials first, so that the last ones to start are short and no worker idles at the end; ties keep their order. */
export function longestFirst(tasks: readonly TrialTask[]): TrialTask[] {
  return tasks.map((task, i) => ({ task, i, cost: estimatedCost(task) })).sort((a, b) => b.cost - a.cost || a.i - b.i).map((e) => e.task)
}

/** The wasm threads each trial may use when `workers` trials run at once on this machine: the cores left per worker, at least one. */
export function wasmThreadsPerWorker(workers: number): number {
  return Math.max(1, Math.floor(availableParallelism() / workers))
}

/** The task with its config's wasm threads capped, so that trials running side by side do not fight over the cores. */
export function withWasmThreads(task: TrialTask, max: number): TrialTask {
  return task.config.threads <= max ? task : { ...task, config: { ...task.config, threads: max } }
}
