import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { lenet300100Model } from './lenet-300-100.js'
import { lenet5Model } from './lenet-5.js'
import { mlpModel } from './mlp.js'
import { seedMlpModel } from './seed-mlp.js'

/** The zoo's builders, by their registry names. */
export const builtinModels = {
  mlp: mlpModel,
  'seed-mlp': seedMlpModel,
  'lenet-300-100': lenet300100Model,
  'lenet-5': lenet5Model,
} as const

export type BuiltinModel = keyof typeof builtinModels

/** Registers the model zoo in a registry: `registry.use(modelsPlugin())`. */
export function modelsPlugin(): PrunekitPlugin {
  return definePlugin({
    name: '@prunekit/models',
    register(registry) {
      registerAll(registry, { models: Object.values(builtinModels) })
    },
  })
}
