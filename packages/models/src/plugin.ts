import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { exportStep } from './io/export-step.js'
import { fileModel } from './io/file-model.js'
import { cnnSmallModel } from './cnn-small.js'
import { lenet300100Model } from './lenet-300-100.js'
import { lenet5Model } from './lenet-5.js'
import { mlpModel } from './mlp.js'
import { resnetMiniModel } from './resnet-mini.js'
import { seedMlpModel } from './seed-mlp.js'

/** The zoo's builders, by their registry names. */
export const builtinModels = {
  mlp: mlpModel,
  'seed-mlp': seedMlpModel,
  'lenet-300-100': lenet300100Model,
  'lenet-5': lenet5Model,
  'cnn-small': cnnSmallModel,
  'resnet-mini': resnetMiniModel,
} as const

export type BuiltinModel = keyof typeof builtinModels

/** Registers the zoo, the `file` loader (`model: { path }`) and the `export` step: `registry.use(modelsPlugin())`. */
export function modelsPlugin(): PrunekitPlugin {
  return definePlugin({
    name: '@prunekit/models',
    register: (registry) => registerAll(registry, { models: [...Object.values(builtinModels), fileModel], steps: [exportStep] }),
  })
}
