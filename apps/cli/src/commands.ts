import { configJsonSchema, runPipeline, type Registry } from '@prunekit/core'
import { resolveConfig, type ResolvedConfig } from '@prunekit/core/internal'
import { claimOutDir, writeFileAtomic } from '@prunekit/core/node'
import { existsSync } from 'node:fs'
import { totalmem } from 'node:os'
import { isAbsolute, relative, resolve } from 'node:path'
import { createDefaultRegistry } from './default-registry.js'
import { applyOverrides, embeddedQuickstart, resolveConfigPaths, loadConfigFile, type ConfigOverrides, type LoadedConfig } from './load-config.js'
import { loadPlugins } from './plugins.js'
import { starterConfig } from './starter.js'

export interface Output {
  log(line: string): void
}

async function prepare(path: string | undefined, overrides: ConfigOverrides = {}): Promise<{ loaded: LoadedConfig; registry: Registry }> {
  const loaded = path ? await loadConfigFile(path) : embeddedQuickstart()
  loaded.raw = applyOverrides(resolveConfigPaths(loaded.raw, loaded.baseDir), overrides)
  const registry = createDefaultRegistry()
  const plugins = loaded.raw.plugins
  if (Array.isArray(plugins)) await loadPlugins(plugins.filter((p): p is string => typeof p === 'string'), loaded.baseDir, registry)
  return { loaded, registry }
}

/** A path as the user would type it: relative to the working directory when inside it. */
function shown(file: string): string {
  const rel = relative(process.cwd(), file)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file
}

export async function runCommand(path: string | undefined, overrides: ConfigOverrides & { quiet?: boolean }, out: Output): Promise<void> {
  const { loaded, registry } = await prepare(path, overrides)
  const resolved = resolveConfig(loaded.raw, registry, loaded.source)
  const claim = await claimOutDir(resolved.config.out).catch((error: unknown) => {
    throw new UsageError((error as Error).message, { cause: error })
  })
  try {
    await claim.record(exportDirs(resolved))
    const result = await runPipeline(loaded.raw, { registry, source: loaded.source, quiet: overrides.quiet, memoryBytes: totalmem() })
    await claim.record(result.files)
    if (overrides.quiet || !result.files.length) return
    out.log('Reports:')
    for (const file of result.files) out.log(`  ${shown(file)}`)
  } finally {
    await claim.release()
  }
}

/** The directories the config's export steps write, so the next run into the same out clears them. */
function exportDirs(resolved: ResolvedConfig): string[] {
  return resolved.steps.filter((s) => s.name === 'export').map((s) => resolve(resolved.config.out, String((s.options as { dir?: unknown }).dir ?? 'model')))
}

export async function validateCommand(path: string, out: Output): Promise<void> {
  const { loaded, registry } = await prepare(path)
  const resolved = resolveConfig(loaded.raw, registry, loaded.source)
  out.log(`${path} is valid: ${resolved.model.name} on ${resolved.data.name}, ${resolved.steps.length} steps (${resolved.steps.map((s) => s.name).join(' -> ')})`)
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
  await writeFileAtomic(path, starterConfig)
  out.log(`Wrote ${path}. Run it with: npx prunekit run ${path}`)
}

/** The JSON Schema of prunekit.yaml: the default registry's, or with the plugins a config names too. */
export async function schemaText(configPath?: string): Promise<string> {
  const registry = configPath ? (await prepare(configPath)).registry : createDefaultRegistry()
  return `${JSON.stringify(configJsonSchema(registry), null, 2)}\n`
}

/** Bad usage of the command line (exit code 2). */
export class UsageError extends Error {}
