import { inlineExecutor, runSweep, threadExecutor, type Executor } from '@prunekit/sweep'
import type { Output } from './commands.js'
import { prepare } from './commands.js'
import type { ConfigOverrides } from './load-config.js'

export interface SweepCommandOptions extends ConfigOverrides {
  workers?: number
  quiet?: boolean
}

/** The module each trial builds its registry with: this CLI's, as compiled JavaScript. */
export const trialRegistryModule = new URL(import.meta.url.endsWith('.ts') ? '../dist/trial-registry.js' : './trial-registry.js', import.meta.url).href

function executorFor(options: SweepCommandOptions): Executor {
  return options.workers && options.workers > 1 ? threadExecutor(options.workers) : inlineExecutor()
}

/** `prunekit sweep prunekit.yaml`: every trial of the config's sweep section, then sweep.json, sweep.csv, report.html and PNG charts. */
export async function sweepCommand(path: string, options: SweepCommandOptions, out: Output): Promise<void> {
  const { loaded, registry } = await prepare(path, options)
  const { report, files } = await runSweep({
    config: loaded.raw,
    registry,
    registryModule: trialRegistryModule,
    baseDir: loaded.baseDir,
    source: loaded.source,
    executor: executorFor(options),
    progress: options.quiet ? undefined : process.stderr,
  })
  if (options.quiet) return
  const reused = report.trials.filter((t) => t.reused).length
  out.log(`${report.trials.length} trials (${reused ? `${reused} finished earlier, ` : ''}${report.executor}) in ${report.seconds.toFixed(1)} s.`)
  for (const [cost, ids] of Object.entries(report.fronts)) out.log(`Pareto front, ${report.quality} against ${cost}: ${ids.join(', ')}`)
  out.log('Reports:')
  for (const file of files) out.log(`  ${file}`)
}
