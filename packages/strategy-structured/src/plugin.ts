import { bundlePlugin, type OptionsInput, type PrunekitPlugin } from '@prunekit/core'
import { foldBatchNormStep, type foldBatchNormOptions } from './fold-step.js'
import type { structuredOptions } from './options.js'
import { structuredStrategies } from './strategies.js'

/** Registers l1-units, l2-units, random-units, bn-scale and the fold-batchnorm step: `plugins: ['@prunekit/strategy-structured']`. */
export function structuredPlugin(): PrunekitPlugin {
  return bundlePlugin('@prunekit/strategy-structured', { strategies: Object.values(structuredStrategies), steps: [foldBatchNormStep] })
}

// Importing this package types its names in prune() and defineConfig() (see PrunekitStrategies in core).
declare module '@prunekit/core' {
  interface PrunekitStrategies {
    'l1-units': OptionsInput<typeof structuredOptions>
    'l2-units': OptionsInput<typeof structuredOptions>
    'random-units': OptionsInput<typeof structuredOptions>
    'bn-scale': OptionsInput<typeof structuredOptions>
  }
  interface PrunekitSteps {
    'fold-batchnorm': OptionsInput<typeof foldBatchNormOptions>
  }
}
