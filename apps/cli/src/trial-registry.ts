// Loaded by each trial of a sweep (in this process, a worker thread or a BullMQ worker): the registry the CLI runs with.
import type { PipelineConfig, Registry } from '@prunekit/core'
import { createDefaultRegistry } from './default-registry.js'
import { loadPlugins } from './plugins.js'

/** The default registry plus the plugins a trial's config names, resolved against `baseDir`. */
export async function createTrialRegistry(config: PipelineConfig, baseDir: string): Promise<Registry> {
  const registry = createDefaultRegistry()
  await loadPlugins(config.plugins, baseDir, registry)
  return registry
}
