import { createRegistry, type PrunekitPlugin, type Registry } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import { reportersPlugin } from '@prunekit/reporters'
import { loadPlugins } from './plugins.js'

/** Core plus the first-party packages: what `prunekit` offers before any config plugin loads. */
export function createDefaultRegistry(extra: PrunekitPlugin[] = []): Registry {
  return createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), reportersPlugin(), ...extra] })
}

/** First-party plugin packages the CLI loads without being asked, when they are installed. */
export const firstPartyPlugins = ['@prunekit/strategy-structured', '@prunekit/strategy-iterative', '@prunekit/strategy-importance'] as const

const notInstalled = (error: unknown): boolean => {
  const code = (error as { cause?: { code?: string } }).cause?.code
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
}

/**
 * The default registry plus every installed first-party plugin, so `list`, `schema` and a config
 * without `plugins:` know `l1-units` or `iterate`. Returns the plugin names it loaded, which a
 * config's own `plugins:` list then skips.
 */
export async function createCliRegistry(): Promise<{ registry: Registry; loaded: Set<string> }> {
  const registry = createDefaultRegistry()
  const loaded = new Set<string>()
  for (const spec of firstPartyPlugins) {
    try {
      await loadPlugins([spec], import.meta.dirname, registry, loaded)
    } catch (error) {
      if (!notInstalled(error)) throw error
    }
  }
  return { registry, loaded }
}
