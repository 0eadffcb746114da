import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { foldBatchNormStep } from './fold-step.js'
import { structuredStrategies } from './strategies.js'

/** Registers l1-units, l2-units, random-units, bn-scale and the fold-batchnorm step: `plugins: ['@prunekit/strategy-structured']`. */
export function structuredPlugin(): PrunekitPlugin {
  return definePlugin({
    name: '@prunekit/strategy-structured',
    register: (registry) => registerAll(registry, { strategies: Object.values(structuredStrategies), steps: [foldBatchNormStep] }),
  })
}
