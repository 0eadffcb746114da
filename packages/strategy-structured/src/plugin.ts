import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { structuredStrategies } from './strategies.js'

/** Registers l1-units, l2-units, random-units and bn-scale: `plugins: ['@prunekit/strategy-structured']`. */
export function structuredPlugin(): PrunekitPlugin {
  return definePlugin({
    name: '@prunekit/strategy-structured',
    register: (registry) => registerAll(registry, { strategies: Object.values(structuredStrategies) }),
  })
}
