export { activationNames, activationSchema, type Activation } from './activation.js'
export { cnnSmallModel, cnnSmallOptions, type CnnSmallOptions } from './cnn-small.js'
export { checkContext, sizeOf } from './context.js'
export { batchNorm, convBnRelu, convNoBias, relu, type ConvBnSpec } from './conv-blocks.js'
export { imageInput } from './image-input.js'
export {
  conv2d,
  dense,
  flatten,
  flattenIfNeeded,
  maxPool,
  outputLayer,
  sequentialModel,
  type ConvSpec,
  type DenseSpec,
  type FirstLayerArgs,
  type LayerMaker,
} from './layers.js'
export { lenet300100Model, lenet300100Options, type Lenet300100Options } from './lenet-300-100.js'
export { lenet5Model, lenet5Options, type Lenet5Options } from './lenet-5.js'
export { mlpModel, mlpOptions, type MlpOptions } from './mlp.js'
export { builtinModels, modelsPlugin, type BuiltinModel } from './plugin.js'
export { resnetMiniModel, resnetMiniOptions, type ResnetMiniOptions } from './resnet-mini.js'
export { seedMlpModel, seedMlpOptions, type SeedMlpOptions } from './seed-mlp.js'
export { loadModel, saveModel, type ModelSource } from './io/load.js'
export { parseModelJson, weightBytes, type ModelJson } from './io/model-json.js'
export { exportOptions, exportStep } from './io/export-step.js'
export { fileModel, outputIndex } from './io/file-model.js'
