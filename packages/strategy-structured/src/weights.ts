import { weightKind } from '@prunekit/core/internal'
import type { LayerVariable, LayersModel } from '@tensorflow/tfjs-layers'

/** Every weight of a layer (trainable and not), by short name. */
export function layerWeights(model: LayersModel, layer: string): Map<string, LayerVariable> {
  return new Map(model.getLayer(layer).weights.map((v) => [weightKind(v), v]))
}

/** One weight of a layer; throws when the layer has no weight of that name. */
export function layerWeight(model: LayersModel, layer: string, kind: string): LayerVariable {
  const variable = layerWeights(model, layer).get(kind)
  if (!variable) throw new Error(`Layer ${layer} has no weight named ${kind}.`)
  return variable
}
