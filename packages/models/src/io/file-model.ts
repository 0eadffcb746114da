import { defineModel, ModelError, PrunableModel } from '@prunekit/core'
import { fileModelName, fileModelSchema } from '@prunekit/core/internal'
import { model as functionalModel, type LayersModel } from '@tensorflow/tfjs-layers'
import { loadModel } from './load.js'

/** Resolves `output` (a layer name, or an index; negative counts from the end) to an output index. */
export function outputIndex(model: LayersModel, output: string | number | undefined, where: string): number {
  const count = model.outputs.length
  if (output === undefined) return count - 1
  const names = model.outputLayers.map((l) => l.name)
  const index = typeof output === 'string' ? names.indexOf(output) : output < 0 ? count + output : output
  if (index < 0 || index >= count) {
    throw new ModelError(`${where} has no output ${JSON.stringify(output)}. Its ${count} outputs: ${names.map((n, i) => `${i} (${n})`).join(', ')}.`)
  }
  return index
}

/**
 * The same layers (and weights) with only the given output: Keras' converter often lists every layer
 * as an output, and structured pruning cannot cut a unit that is itself an output.
 */
export function predictionModel(model: LayersModel, index: number): LayersModel {
  if (model.outputs.length === 1) return model
  return functionalModel({ inputs: model.inputs, outputs: model.outputs[index], name: model.name })
}

/** `model: { path, output }` in a config: a saved tfjs Layers model. */
export const fileModel = defineModel({
  name: fileModelName,
  description: 'Load a TensorFlow.js Layers model (model.json + shards); written in configs as model: { path, output }',
  options: fileModelSchema,
  async build(options) {
    const model = await loadModel(options.path, { maxBytes: options.maxBytes, allowNonFinite: options.allowNonFinite })
    return new PrunableModel(predictionModel(model, outputIndex(model, options.output, options.path)))
  },
})
