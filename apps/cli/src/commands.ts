import { configChanges, configJsonSchema, disposeRunState, runPipeline, RunStateError, setupBackend, type PipelineConfig, type Registry, type RunState } from '@prunekit/core'
import { resolveConfig, type ResolvedConfig } from '@prunekit/core/internal'
import { claimOutDir, loadRunState, removeRunState, saveRunState, writeFileAtomic } from '@prunekit/core/node'
import { expandTrials } from '@prunekit/sweep'
import { existsSync } from 'node:fs'
import { totalmem } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCliRegistry } from './default-registry.js'
import { applyOverrides, embeddedQuickstart, resolveConfigPaths, loadConfigFile, type ConfigOverrides, type LoadedConfig } from './load-config.js'
import { loadPlugins } from './plugins.js'
import { exitCodeOf, stopOnSignals } from './interrupts.js'
import { defaultConfigFile, starterConfig } from './starter.js'

export interface Output {
  log(line: string): void
}

export async function prepare(path: string | undefined, overrides: ConfigOverrides = {}): Promise<{ loaded: LoadedConfig; registry: Registry }> {
  const loaded = path ? await loadConfigFile(path) : embeddedQuickstart()
  loaded.raw = applyOverrides(resolveConfigPaths(loaded.raw, loaded.baseDir), overrides)
  const { registry, loaded: loadedPlugins } = await createCliRegistry()
  const plugins = loaded.raw.plugins
  if (Array.isArray(plugins)) await loadPlugins(plugins.filter((p): p is string => typeof p === 'string'), loaded.baseDir, registry, loadedPlugins)
  return { loaded, registry }
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file
}

/** The config `run` uses with no file: `./prunekit.yaml` when it exists, else the embedded quickstart. */
export function defaultConfigPath(out: Output): string | undefined {
  if (existsSync(defaultConfigFile)) {
    out.log(`Using ./${defaultConfigFile} (pass a file to run another config).`)
    return defaultConfigFile
  }
  out.log(`No ./${defaultConfigFile} here: running the embedded quickstart (\`prunekit init\` writes a starter config).`)
  return undefined
}

export interface RunCommandOptions extends ConfigOverrides {
  quiet?: boolean
  /** The out directory of an interrupted run to continue. */
  resume?: string
}

export async function runCommand(path: string | undefined, options: RunCommandOptions, io: Output & { error(line: string): void }): Promise<void> {
  if (options.resume !== undefined && options.out !== undefined) throw new UsageError('--resume <dir> names the run\'s out directory: drop --out.')
  const { loaded, registry } = await prepare(path ?? defaultConfigPath(io), options.resume === undefined ? options : { ...options, out: options.resume })
  const resolved = resolveConfig(loaded.raw, registry, loaded.source)
  const { config } = resolved
  const claim = await claimOutDir(config.out, { resume: options.resume !== undefined }).catch((error: unknown) => {
    throw new UsageError((error as Error).message, { cause: error })
  })
  let resume: RunState | undefined
  try {
    resume = options.resume === undefined ? undefined : await resumableState(config)
  } catch (error) {
    await claim.release()
    throw error
  }
  if (resume && !options.quiet) {
    const { step, fit } = resume.position
    io.log(`Resuming the run in ${shown(config.out)} at step ${step + 1}${fit ? `, after epoch ${fit.epoch}` : ''}.`)
  }
  const stop = stopOnSignals(config.out, io.error)
  let saved = false
  try {
    await claim.record(exportDirs(resolved))
    const onState = async (state: RunState) => {
      await saveRunState(config.out, state)
      saved = true
    }
    const result = await runPipeline(loaded.raw, { registry, source: loaded.source, quiet: options.quiet, signal: stop.signal, onState, resume, memoryBytes: totalmem() })
    await claim.record(result.files)
    const signal = stop.received()
    if (result.interrupted && signal) {
      const next = saved || resume ? `Continue it with: prunekit run${path ? ` ${path}` : ''} --resume ${shown(config.out)}` : 'No epoch had finished, so there is nothing to resume: run it again.'
      throw new RunInterrupted(`${result.interrupted.message} Wrote the reports of the ${result.steps.length} finished step(s). ${next}`, exitCodeOf(signal))
    }
    await removeRunState(config.out)
    if (options.quiet || !result.files.length) return
    io.log('Reports:')
    for (const file of result.files) io.log(`  ${shown(file)}`)
  } finally {
    stop.dispose()
    if (resume) disposeRunState(resume)
    await claim.release()
  }
}

/** The state saved in the config's out directory, refused when the config is not the one it was saved with. */
async function resumableState(config: PipelineConfig): Promise<RunState> {
  await setupBackend(config.backend, { threads: config.threads }) // the state's tensors live on the run's backend
  const state = await loadRunState(shown(config.out))
  const changes = configChanges(state.config, config)
  if (!changes.length) return state
  disposeRunState(state)
  throw new RunStateError(
    `Cannot resume the run in ${shown(config.out)}: its config differs from the saved run's at ${changes.join(', ')}. ` +
      'Resume with the same config file and flags (a changed run would not reproduce the uninterrupted one), or start afresh without --resume.',
  )
}

/** The directories the config's export steps write, so the next run into the same out clears them. */
function exportDirs(resolved: ResolvedConfig): string[] {
  return resolved.steps.filter((s) => s.name === 'export').map((s) => resolve(resolved.config.out, String((s.options as { dir?: unknown }).dir ?? 'model')))
}

export async function validateCommand(path: string, out: Output): Promise<void> {
  const { loaded, registry } = await prepare(path)
  const resolved = resolveConfig(loaded.raw, registry, loaded.source)
  const trials = resolved.config.sweep ? expandTrials(loaded.raw, registry, loaded.source).trials.length : 0
  out.log(`${path} is valid: ${resolved.model.name} on ${resolved.data.name}, ${resolved.steps.length} steps (${resolved.steps.map((s) => s.name).join(' -> ')})${trials ? `; its sweep has ${trials} trials` : ''}`)
}

/** Everything in the registry, with descriptions; entries from plugins show their source. */
export async function listCommand(kind: string | undefined, configPath: string | undefined, out: Output): Promise<void> {
  const { registry } = await prepare(configPath)
  const { use: _use, ...catalogs } = registry
  const names = Object.keys(catalogs) as Array<keyof typeof catalogs>
  if (kind && !names.includes(kind as (typeof names)[number])) {
    throw new UsageError(`Unknown kind "${kind}". Use one of: ${names.join(', ')}.`)
  }
  for (const name of kind ? [kind as (typeof names)[number]] : names) {
    const entries = catalogs[name].list()
    if (!entries.length) continue
    out.log(`${name}:`)
    const width = Math.max(...entries.map((e) => e.item.name.length))
    for (const { item, source } of entries) out.log(`  ${item.name.padEnd(width)}  ${item.description}  [${source}]`)
  }
}

export async function initCommand(path: string, force: boolean, out: Output): Promise<void> {
  if (existsSync(path) && !force) throw new UsageError(`${path} already exists. Pass --force to overwrite it.`)
  await writeFileAtomic(path, starterConfig(schemaReference(dirname(resolve(path)))))
  out.log(`Wrote ${path}. Run it with: npx prunekit run ${path}`)
}

/** The JSON Schema of prunekit.yaml: the default registry's, or with the plugins a config names too. */
export async function schemaText(configPath?: string): Promise<string> {
  const registry = configPath ? (await prepare(configPath)).registry : (await createCliRegistry()).registry
  return `${JSON.stringify(configJsonSchema(registry), null, 2)}\n`
}

const ownSchema = fileURLToPath(new URL('../schema.json', import.meta.url))

/** The `$schema` path from `dir`: the nearest node_modules/prunekit/schema.json above it, else this package's own. */
export function schemaReference(dir: string): string {
  let schema = ownSchema
  for (let at = dir; ; at = dirname(at)) {
    const installed = join(at, 'node_modules/prunekit/schema.json')
    if (existsSync(installed)) {
      schema = installed
      break
    }
    if (dirname(at) === at) break
  }
  const path = relative(dir, schema).split(sep).join('/')
  return path.startsWith('.') ? path : `./${path}`
}

/** Bad usage of the command line (exit code 2). */
export class UsageError extends Error {}

/** A run a signal stopped: its reports are written; the CLI exits with `exitCode` (130 for SIGINT, 143 for SIGTERM). */
export class RunInterrupted extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}
