import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { ModelError } from '@prunekit/core'

/** Runs `build`; if it throws, disposes the variables it registered (a half-built model's weights) before rethrowing. */
export async function withoutLeaks<T>(build: () => Promise<T>): Promise<T> {
  const before = new Set(Object.keys(tf.engine().registeredVariables))
  try {
    return await build()
  } catch (error) {
    for (const [name, variable] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) variable.dispose()
    throw error
  }
}

/** The model's weights by the names a manifest uses (tfjs may drop an inner cell name). */
function modelShapes(model: tfl.LayersModel): Map<string, number[]> {
  return new Map(model.weights.map((w) => [w.originalName, w.shape as number[]]))
}

function shapeOf(shapes: Map<string, number[]>, name: string): number[] | undefined {
  const tokens = name.split('/')
  return shapes.get(name) ?? shapes.get([...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/'))
}

/** Index of the first NaN or Infinity in a float weight, or -1. */
function firstNonFinite(tensor: tf.Tensor): number {
  if (tensor.dtype !== 'float32') return -1
  return (tensor.dataSync() as Float32Array).findIndex((v) => !Number.isFinite(v))
}

/**
 * Sets the model's weights from checked bytes: each weight's shape against the model's layer, its values
 * finite unless allowed; the decoded tensors are disposed whatever happens.
 */
export function setWeights(model: tfl.LayersModel, specs: tf.io.WeightsManifestEntry[], data: tf.io.WeightData | undefined, where: string, allowNonFinite: boolean): void {
  if (data === undefined || specs.length === 0) return
  const shapes = modelShapes(model)
  for (const spec of specs) {
    const expected = shapeOf(shapes, spec.name)
    if (expected && (expected.length !== spec.shape.length || expected.some((d, i) => d !== spec.shape[i]))) {
      throw new ModelError(`${where}: weight "${spec.name}" has the shape [${spec.shape.join(', ')}], but the model's layer needs [${expected.join(', ')}]. The weights belong to another model: re-export it.`)
    }
  }
  const decoded = tf.io.decodeWeights(data, specs)
  try {
    if (!allowNonFinite) {
      for (const [name, tensor] of Object.entries(decoded)) {
        const at = firstNonFinite(tensor)
        if (at >= 0) {
          throw new ModelError(`${where}: weight "${name}" holds ${tensor.dataSync()[at]} at element ${at}. Non-finite weights make every prediction NaN; retrain or re-export the model, or pass allowNonFinite (in a config: model: { path, allowNonFinite: true }) to load it anyway.`)
        }
      }
    }
    const modelWeights = Object.fromEntries(specs.filter((s) => s.group !== 'optimizer').map((s) => [s.name, decoded[s.name]]))
    model.loadWeights(modelWeights, true)
  } finally {
    tf.dispose(Object.values(decoded))
  }
}
