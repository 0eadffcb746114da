import { configJsonSchema, runPipeline, type Registry } from '@prunekit/core'
import { resolveConfig } from '@prunekit/core/internal'
import { writeFileAtomic } from '@prunekit/core/node'
import { expandTrials } from '@prunekit/sweep'
import { existsSync } from 'node:fs'
import { createDefaultRegistry } from './default-registry.js'
import { applyOverrides, embeddedQuickstart, resolveConfigPaths, loadConfigFile, type ConfigOverrides, type LoadedConfig } from './load-config.js'
import { loadPlugins } from './plugins.js'
import { starterConfig } from './starter.js'

export interface Output {
  log(line: string): void
}

export async function prepare(path: string | undefined, overrides: ConfigOverrides = {}): Promise<{ loaded: LoadedConfig; registry: Registry }> {
  const loaded = path ? await loadConfigFile(path) : embeddedQuickstart()
  loaded.raw = resolveConfigPaths(applyOverrides(loaded.raw, overrides), loaded.baseDir)
  const registry = createDefaultRegistry()
  const plugins = loaded.raw.plugins
  if (Array.isArray(plugins)) await loadPlugins(plugins.filter((p): p is string => typeof p === 'string'), loaded.baseDir, registry)
  return { loaded, registry }
}

export async function runCommand(path: string | undefined, overrides: ConfigOverrides & { quiet?: boolean }, out: Output): Promise<void> {
  const { loaded, registry } = await prepare(path, overrides)
  const result = await runPipeline(loaded.raw, { registry, source: loaded.source, quiet: overrides.quiet })
  if (overrides.quiet || !result.files.length) return
  out.log('Reports:')
  for (const file of result.files) out.log(`  ${file}`)
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
