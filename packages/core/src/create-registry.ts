import { Catalog, type Named } from './catalog.js'
import { corePlugin } from './core-plugin.js'
import { PluginError } from './errors.js'
import type { Catalogs, PrunekitPlugin, Registry } from './registry.js'

/** A fresh registry (one per run): core's built-ins first, then the given plugins in order. */
export function createRegistry(options: { plugins?: PrunekitPlugin[] } = {}): Registry {
  const catalogs: Catalogs = {
    strategies: new Catalog('strategy'),
    models: new Catalog('model'),
    datasets: new Catalog('dataset'),
    metrics: new Catalog('metric'),
    reporters: new Catalog('reporter'),
    steps: new Catalog('step'),
    schedules: new Catalog('schedule'),
  }
  const registry: Registry = {
    ...catalogs,
    use(plugin, source = plugin.name) {
      const all = Object.values(catalogs) as Array<Catalog<Named>>
      all.forEach((c) => c.withSource(source))
      try {
        plugin.register(registry)
      } catch (cause) {
        const why = cause instanceof Error ? cause.message : String(cause)
        const where = source === plugin.name ? '' : ` (${source})`
        throw new PluginError(plugin.name, `failed to register${where}: ${why}`, { cause })
      } finally {
        all.forEach((c) => c.withSource(undefined))
      }
      return registry
    },
  }
  registry.use(corePlugin)
  for (const plugin of options.plugins ?? []) registry.use(plugin)
  return registry
}

