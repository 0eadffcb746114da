import { bundlePlugin, type OptionsInput, type PrunekitPlugin } from '@prunekit/core'
import { exportStep, type exportOptions } from './io/export-step.js'
import { fileModel } from './io/file-model.js'
import { cnnSmallModel, type cnnSmallOptions } from './cnn-small.js'
import { lenet300100Model, type lenet300100Options } from './lenet-300-100.js'
import { lenet5Model, type lenet5Options } from './lenet-5.js'
import { mlpModel, type mlpOptions } from './mlp.js'
import { mobilenetMiniModel, type mobilenetMiniOptions } from './mobilenet-mini.js'
import { resnetMiniModel, type resnetMiniOptions } from './resnet-mini.js'
import { seedMlpModel, type seedMlpOptions } from './seed-mlp.js'
import { vggMiniModel, type vggMiniOptions } from './vgg-mini.js'

/** The zoo's builders, by their registry names. */
export const builtinModels = {
  mlp: mlpModel,
  'seed-mlp': seedMlpModel,
  'lenet-300-100': lenet300100Model,
  'lenet-5': lenet5Model,
  'cnn-small': cnnSmallModel,
  'resnet-mini': resnetMiniModel,
  'mobilenet-mini': mobilenetMiniModel,
  'vgg-mini': vggMiniModel,
} as const

export type BuiltinModel = keyof typeof builtinModels

/** Registers the zoo, the `file` loader (`model: { path }`) and the `export` step: `registry.use(modelsPlugin())`. */
export function modelsPlugin(): PrunekitPlugin {
  return bundlePlugin('@prunekit/models', { models: [...Object.values(builtinModels), fileModel], steps: [exportStep] })
}

// Importing this package types `model: { zoo, ... }` and the export step in defineConfig() (see PrunekitModels in core).
declare module '@prunekit/core' {
  interface PrunekitModels {
    mlp: OptionsInput<typeof mlpOptions>
    'seed-mlp': OptionsInput<typeof seedMlpOptions>
    'lenet-300-100': OptionsInput<typeof lenet300100Options>
    'lenet-5': OptionsInput<typeof lenet5Options>
    'cnn-small': OptionsInput<typeof cnnSmallOptions>
    'resnet-mini': OptionsInput<typeof resnetMiniOptions>
    'mobilenet-mini': OptionsInput<typeof mobilenetMiniOptions>
    'vgg-mini': OptionsInput<typeof vggMiniOptions>
  }
  interface PrunekitSteps {
    export: OptionsInput<typeof exportOptions>
  }
}
