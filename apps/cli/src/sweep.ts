import { checkRedis, inlineExecutor, prunekitVersion, queueExecutor, runSweep, startQueueWorker, threadExecutor, type Executor, type SweepOutcome } from '@prunekit/sweep'
import type { Output } from './commands.js'
import { prepare } from './commands.js'
import type { ConfigOverrides } from './load-config.js'

export interface SweepCommandOptions extends ConfigOverrides {
  workers?: number
  /** redis://host:port: enqueue the trials for `prunekit worker` processes. */
  queue?: string
  quiet?: boolean
}

/** The module each trial builds its registry with: this CLI's, as compiled JavaScript. */
export const trialRegistryModule = new URL(import.meta.url.endsWith('.ts') ? '../dist/trial-registry.js' : './trial-registry.js', import.meta.url).href

function executorFor(options: SweepCommandOptions): Executor {
  if (options.queue) {
    let told = options.quiet
    const hint = () => {
      if (!told) process.stderr.write(`Trials enqueued; waiting for workers: prunekit worker --queue ${options.queue}\n`)
      told = true
    }
    return queueExecutor(options.queue, { onEnqueued: hint })
  }
  return options.workers && options.workers > 1 ? threadExecutor(options.workers, { registryModule: trialRegistryModule }) : inlineExecutor()
}

/** `prunekit sweep prunekit.yaml`: every trial of the config's sweep section, then sweep.json, sweep.csv, report.html and PNG charts. */
export async function sweepCommand(path: string, options: SweepCommandOptions, out: Output): Promise<void> {
  if (options.queue) await checkRedis(options.queue) // before any trial is looked at
  // Made first, so that worker threads start (tfjs, wasm) while this thread reads and checks the config.
  const executor = executorFor(options)
  let outcome: SweepOutcome
  try {
    const { loaded, registry } = await prepare(path, options)
    outcome = await runSweep({ config: loaded.raw, registry, registryModule: trialRegistryModule, baseDir: loaded.baseDir, source: loaded.source, executor, progress: options.quiet ? undefined : process.stderr })
  } finally {
    await executor.close() // runSweep closes it too; this covers a config that fails before it starts
  }
  const { report, files } = outcome
  if (options.quiet) return
  const reused = report.trials.filter((t) => t.reused).length
  out.log(`${report.trials.length} trials (${reused ? `${reused} finished earlier, ` : ''}${report.executor}) in ${report.seconds.toFixed(1)} s.`)
  const { groups, secondsSaved } = report.prefixes
  if (groups.length) out.log(`Shared prefixes: ${groups.reduce((n, g) => n + g.followers.length, 0)} trials branched from another's state, saving about ${secondsSaved.toFixed(1)} s.`)
  for (const [cost, ids] of Object.entries(report.fronts)) out.log(`Pareto front, ${report.quality} against ${cost}: ${ids.join(', ')}`)
  out.log('Reports:')
  for (const file of files) out.log(`  ${file}`)
}

export interface WorkerCommandOptions {
  queue: string
  concurrency?: number
  lockMs?: number
}

/** `prunekit worker --queue redis://...`: runs trials from the queue until SIGINT or SIGTERM, then finishes the current ones. */
export async function workerCommand(options: WorkerCommandOptions, out: Output): Promise<void> {
  const worker = await startQueueWorker(options.queue, { registryModule: trialRegistryModule, concurrency: options.concurrency, lockMs: options.lockMs, log: (line) => out.log(line) })
  out.log(`prunekit ${prunekitVersion()} worker: waiting for trials on ${options.queue} (Ctrl-C to stop)`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve())
    process.once('SIGTERM', () => resolve())
  })
  out.log('stopping: finishing the trials under way')
  await worker.close()
}
