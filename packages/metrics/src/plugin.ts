import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { builtinMetrics, type MetricsOptions } from './builtins.js'

/** Registers loss, accuracy, sparsity, params, layers, histograms, size, flops and latency (opt-in), in that order. */
export function metricsPlugin(options: MetricsOptions = {}): PrunekitPlugin {
  const metrics = Object.values(builtinMetrics(options))
  return definePlugin({
    name: '@prunekit/metrics',
    register: (registry) => registerAll(registry, { metrics }),
  })
}
