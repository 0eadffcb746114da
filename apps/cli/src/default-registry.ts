import { createRegistry, type PrunekitPlugin, type Registry } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import { reportersPlugin } from '@prunekit/reporters'

/** Core plus the first-party packages: what `prunekit` offers before any config plugin loads. */
export function createDefaultRegistry(extra: PrunekitPlugin[] = []): Registry {
  return createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), reportersPlugin(), ...extra] })
}
