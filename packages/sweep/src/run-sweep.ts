import type { Registry } from '@prunekit/core'
import { writeFileAtomic, writeFilesAtomic } from '@prunekit/core/node'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Executor } from './executor.js'
import { inlineExecutor } from './inline.js'
import { trialProgress, type ProgressSink } from './progress.js'
import { svgToPng } from '@prunekit/reporters'
import { sweepCsv, sweepReport, trialLine, type SweepReport } from './sweep-result.js'
import { renderSweepPage, sweepPlots } from './sweep-page.js'
import type { TrialResult, TrialTask } from './trial.js'
import { planPrefixes } from './prefixes.js'
import { expandTrials } from './trials.js'
import { prunekitVersion } from './version.js'

export interface SweepOptions {
  /** The config, with its `sweep:` section (paths in it already resolved). */
  config: unknown
  /** Validates the config and the trials' configs (the sweep process's own registry). */
  registry: Registry
  /** The module that builds each trial's registry: `export async function createTrialRegistry(config, baseDir)`. */
  registryModule: string
  /** Directory that relative plugin paths are resolved against. */
  baseDir: string
  source?: string
  /** Where trials run (default: one after another in this process). */
  executor?: Executor
  /** Progress of trials; none when omitted. */
  progress?: ProgressSink
}

export interface SweepOutcome {
  report: SweepReport
  /** Files written: sweep.json, sweep.csv, report.html, the PNG charts. */
  files: string[]
}

/** A trial finished by an earlier run of this sweep: its trial.json, when the config it ran is the same. */
async function finishedEarlier(task: TrialTask): Promise<TrialResult | undefined> {
  try {
    const earlier = JSON.parse(await readFile(join(task.config.out, 'trial.json'), 'utf8')) as TrialResult
    return earlier.key === task.key ? earlier : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs every trial of a config's sweep (skipping those an earlier run finished) and writes
 * sweep.json, sweep.csv, report.html with the Pareto fronts, and a PNG per chart into `out`.
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const began = performance.now()
  const source = options.source ?? '(config)'
  const { sweep, out, trials } = expandTrials(options.config, options.registry, source)
  const version = prunekitVersion()
  const tasks: TrialTask[] = trials.map((t) => ({ ...t, baseDir: options.baseDir, source, registryModule: options.registryModule, version }))
  const results: Array<TrialResult & { reused: boolean }> = []
  const progress = trialProgress(tasks.length, options.progress)
  const pending: TrialTask[] = []
  for (const task of tasks) {
    const earlier = await finishedEarlier(task)
    if (earlier) {
      results.push({ ...earlier, reused: true })
      progress.done(`${trialLine(earlier)} (finished earlier)`)
    } else pending.push(task)
  }
  const executor = options.executor ?? inlineExecutor()
  const writes: Array<Promise<void>> = []
  const plan = sweep.share ? planPrefixes(pending) : { first: pending, followers: new Map<string, TrialTask[]>(), groups: [] }
  const finished = ({ prefixState, ...result }: TrialResult) => {
    results.push({ ...result, reused: false })
    writes.push(writeFileAtomic(join(tasks.find((t) => t.id === result.id)!.config.out, 'trial.json'), `${JSON.stringify(result, null, 2)}\n`))
    progress.done(trialLine(result))
    // The trials that share this one's leading steps can start now, from its state (or whole, if it has none).
    return (plan.followers.get(result.id) ?? []).map((follower) => (prefixState ? { ...follower, prefix: { resume: prefixState } } : follower))
  }
  try {
    await executor.run(plan.first, finished)
  } finally {
    progress.stop()
    await executor.close()
    await Promise.all(writes)
  }
  const report = sweepReport({ version, sweep, executor: executor.describe, results, prefixes: plan.groups, seconds: (performance.now() - began) / 1000 })
  const plots = sweepPlots(report)
  const files: Array<[string, string | Uint8Array]> = [
    [join(out, 'sweep.json'), `${JSON.stringify(report, null, 2)}\n`],
    [join(out, 'sweep.csv'), sweepCsv(report)],
    [join(out, 'report.html'), renderSweepPage(report, plots)],
  ]
  for (const plot of plots) files.push([join(out, `${plot.name}.png`), await svgToPng(plot.svg)])
  await writeFilesAtomic(files)
  return { report, files: files.map(([path]) => path) }
}
