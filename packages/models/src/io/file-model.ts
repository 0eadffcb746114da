import { defineModel, ModelError, PrunableModel } from '@prunekit/core'
import { fileModelName, fileModelSchema } from '@prunekit/core/internal'
import type { LayersModel } from '@tensorflow/tfjs-layers'
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

/** `model: { path, output }` in a config: a saved tfjs Layers model. */
export const fileModel = defineModel({
  name: fileModelName,
  description: 'Load a TensorFlow.js Layers model (model.json + shards); written in configs as model: { path, output }',
  options: fileModelSchema,
  async build(options) {
    const model = await loadModel(options.path, { maxBytes: options.maxBytes, allowNonFinite: options.allowNonFinite })
    return new PrunableModel(model, { output: outputIndex(model, options.output, options.path) })
  },
})
