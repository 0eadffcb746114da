// The registry module the tests' trials build their registry with (the CLI has its own).
import { createRegistry, type Registry } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import { reportersPlugin } from '@prunekit/reporters'

export async function createTrialRegistry(): Promise<Registry> {
  return createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), reportersPlugin()] })
}

export const registryModule = import.meta.url

/** A sweep small enough for tests: an MLP with 16 hidden units on 300 / 100 real MNIST digits. */
export function tinySweepConfig(out: string, sweep: unknown): Record<string, unknown> {
  return {
    seed: 1,
    model: { zoo: 'mlp', units: [16] },
    data: { dataset: 'mnist', train: 300, test: 100 },
    pipeline: [{ train: { epochs: 1 } }, { prune: { strategy: 'magnitude', sparsity: 0.5 } }, { evaluate: { label: 'pruned', metrics: ['accuracy', 'loss', 'sparsity', 'size', 'flops'] } }],
    reporters: ['json', 'html'],
    out,
    sweep,
  }
}
