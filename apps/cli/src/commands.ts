import { configJsonSchema, runPipeline, type Registry } from '@prunekit/core'
import { resolveConfig } from '@prunekit/core/internal'
import { writeFileAtomic } from '@prunekit/core/node'
import { existsSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCliRegistry } from './default-registry.js'
import { applyOverrides, embeddedQuickstart, resolveConfigPaths, loadConfigFile, type ConfigOverrides, type LoadedConfig } from './load-config.js'
import { loadPlugins } from './plugins.js'
import { defaultConfigFile, starterConfig } from './starter.js'

export interface Output {
  log(line: string): void
}

async function prepare(path: string | undefined, overrides: ConfigOverrides = {}): Promise<{ loaded: LoadedConfig; registry: Registry }> {
  const loaded = path ? await loadConfigFile(path) : embeddedQuickstart()
  loaded.raw = resolveConfigPaths(applyOverrides(loaded.raw, overrides), loaded.baseDir)
  const { registry, loaded: loadedPlugins } = await createCliRegistry()
  const plugins = loaded.raw.plugins
  if (Array.isArray(plugins)) await loadPlugins(plugins.filter((p): p is string => typeof p === 'string'), loaded.baseDir, registry, loadedPlugins)
  return { loaded, registry }
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

export async function runCommand(path: string | undefined, overrides: ConfigOverrides & { quiet?: boolean }, out: Output): Promise<void> {
  const { loaded, registry } = await prepare(path ?? defaultConfigPath(out), overrides)
  const result = await runPipeline(loaded.raw, { registry, source: loaded.source, quiet: overrides.quiet })
  if (overrides.quiet || !result.files.length) return
  out.log('Reports:')
  for (const file of result.files) out.log(`  ${file}`)
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
