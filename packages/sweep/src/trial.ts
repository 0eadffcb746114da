import { runPipeline, type PipelineConfig, type Registry } from '@prunekit/core'
import { relative } from 'node:path'
import { trialMetrics, type TrialMetrics } from './outcome.js'
import type { TrialValues } from './trials.js'

/**
 * Everything a worker needs to run a trial, as plain data (it crosses threads and Redis): the
 * trial's config, where plugins named by relative paths are found, and the module that builds the
 * registry (`export async function createTrialRegistry(config, baseDir): Promise<Registry>`).
 */
export interface TrialTask {
  id: string
  key: string
  values: TrialValues
  config: PipelineConfig
  baseDir: string
  /** Where the config came from, for messages. */
  source: string
  /** A module URL, resolved by the process that runs the trial. */
  registryModule: string
  /** The prunekit version that made the task: a worker of another version refuses it. */
  version: string
}

export interface TrialResult {
  id: string
  key: string
  values: TrialValues
  metrics: TrialMetrics
  /** Seconds the pipeline ran. */
  seconds: number
  /** Report files, relative to the trial's folder. */
  files: string[]
}

/** What builds a registry for a trial's config (its plugins loaded). */
export type RegistryFactory = (config: PipelineConfig, baseDir: string) => Promise<Registry>

/** Loads the registry module a task names. */
export async function registryFactory(moduleUrl: string): Promise<RegistryFactory> {
  const mod = (await import(moduleUrl)) as { createTrialRegistry?: RegistryFactory }
  if (typeof mod.createTrialRegistry !== 'function') throw new Error(`${moduleUrl} does not export createTrialRegistry(config, baseDir)`)
  return mod.createTrialRegistry
}

/** The console reporter stays quiet in a trial: the sweep draws its own progress bar. */
function withoutConsole(config: PipelineConfig): PipelineConfig {
  return { ...config, reporters: config.reporters.filter((r) => r !== 'console' && !(typeof r === 'object' && r !== null && 'console' in r)) }
}

/** Runs one trial's pipeline, writing its reports into its out folder (or `outDir` when given). */
export async function runTrial(task: TrialTask, registry: Registry, outDir = task.config.out): Promise<TrialResult> {
  const config = withoutConsole({ ...task.config, out: outDir })
  const result = await runPipeline(config, { registry, source: `${task.source} (trial ${task.id})`, quiet: true })
  const files = result.files.map((f) => relative(outDir, f))
  return { id: task.id, key: task.key, values: task.values, metrics: trialMetrics(result.snapshots), seconds: result.seconds, files }
}
