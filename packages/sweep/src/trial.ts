import { decodeRunState, disposeRunState, encodeRunState, runPipeline, setupBackend, type PipelineConfig, type Registry, type RunState } from '@prunekit/core'
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
  /** Shared leading steps: capture the run's state before step `captureAt`, or go on from a captured one (base64). */
  prefix?: { captureAt?: number; resume?: string }
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
  /** Seconds of each step; a trial that went on from a shared prefix has the leader's for the prefix. */
  stepSeconds: number[]
  /** The state before step `prefix.captureAt` (base64), for the trials that share these steps. */
  prefixState?: string
}

/** What builds a registry for a trial's config (its plugins loaded). */
export type RegistryFactory = (config: PipelineConfig, baseDir: string) => Promise<Registry>

const factories = new Map<string, Promise<RegistryFactory>>()

/** Loads the registry module a task names, once per thread. */
export function registryFactory(moduleUrl: string): Promise<RegistryFactory> {
  let factory = factories.get(moduleUrl)
  if (!factory) {
    factory = import(moduleUrl).then((mod: { createTrialRegistry?: RegistryFactory }) => {
      if (typeof mod.createTrialRegistry !== 'function') throw new Error(`${moduleUrl} does not export createTrialRegistry(config, baseDir)`)
      return mod.createTrialRegistry
    })
    factories.set(moduleUrl, factory)
  }
  return factory
}

/** The console reporter stays quiet in a trial: the sweep draws its own progress bar. */
function withoutConsole(config: PipelineConfig): PipelineConfig {
  return { ...config, reporters: config.reporters.filter((r) => r !== 'console' && !(typeof r === 'object' && r !== null && 'console' in r)) }
}

/** Runs one trial's pipeline, writing its reports into its out folder (or `outDir` when given). */
export async function runTrial(task: TrialTask, registry: Registry, outDir = task.config.out): Promise<TrialResult> {
  const config = withoutConsole({ ...task.config, out: outDir })
  const { captureAt, resume: saved } = task.prefix ?? {}
  let prefixState: string | undefined
  const onState = (state: RunState) => {
    if (state.position.step === captureAt && !state.position.fit) prefixState = Buffer.from(encodeRunState(state)).toString('base64')
  }
  // The captured tensors are made on the trial's backend, so it is set up first.
  if (saved) await setupBackend(config.backend, { threads: config.threads })
  const resume = saved ? decodeRunState(Buffer.from(saved, 'base64'), `the shared prefix of trial ${task.id}`) : undefined
  try {
    const result = await runPipeline(config, { registry, source: `${task.source} (trial ${task.id})`, quiet: true, resume, onState: captureAt === undefined ? undefined : onState })
    const files = result.files.map((f) => relative(outDir, f))
    const stepSeconds = result.steps.map((s) => s.seconds)
    return { id: task.id, key: task.key, values: task.values, metrics: trialMetrics(result.snapshots), seconds: result.seconds, files, stepSeconds, ...(prefixState ? { prefixState } : {}) }
  } finally {
    if (resume) disposeRunState(resume)
  }
}
