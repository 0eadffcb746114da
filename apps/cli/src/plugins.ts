import { PluginError, type PrunekitPlugin, type Registry } from '@prunekit/core'
import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

function isPlugin(value: unknown): value is PrunekitPlugin {
  return Boolean(value) && typeof (value as PrunekitPlugin).name === 'string' && typeof (value as PrunekitPlugin).register === 'function'
}

/** Accepts a default export or a `plugin` export: a plugin object, or a factory that returns one. */
function pluginFrom(mod: Record<string, unknown>): PrunekitPlugin | undefined {
  for (const candidate of [mod.default, mod.plugin]) {
    const value = typeof candidate === 'function' && !isPlugin(candidate) ? (candidate as () => unknown)() : candidate
    if (isPlugin(value)) return value
  }
  return undefined
}

function locate(spec: string, baseDir: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return pathToFileURL(resolve(baseDir, spec)).href
  try {
    return pathToFileURL(createRequire(join(baseDir, 'noop.js')).resolve(spec)).href
  } catch {
    return spec // ESM-only packages: let import() resolve them
  }
}

/**
 * Imports the config's plugins and registers them; failures name the plugin and where it was looked for.
 * A plugin whose name is in `loaded` (a first-party plugin the CLI already loaded) is skipped; new ones are added to it.
 */
export async function loadPlugins(specs: readonly string[], baseDir: string, registry: Registry, loaded = new Set<string>()): Promise<void> {
  for (const spec of specs) {
    const url = locate(spec, baseDir)
    let mod: Record<string, unknown>
    try {
      mod = (await import(url)) as Record<string, unknown>
    } catch (cause) {
      throw new PluginError(spec, `could not be loaded from ${url.startsWith('file:') ? new URL(url).pathname : url}: ${(cause as Error).message}`, { cause })
    }
    const plugin = pluginFrom(mod)
    if (!plugin) throw new PluginError(spec, 'does not export a plugin: export default definePlugin({ name, register(registry) { ... } })')
    if (loaded.has(plugin.name)) continue
    registry.use(plugin, spec)
    loaded.add(plugin.name)
  }
}
