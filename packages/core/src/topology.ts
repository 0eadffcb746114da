import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

/**
 * Builds a model from a Keras topology (`model.toJSON(null, false)`, possibly edited) and gives each
 * layer that has weights the values `valuesOf(layer)` returns, in the layer's weight order. The values
 * are made inside a tidy and disposed once set; if anything fails, the model is disposed too.
 */
export async function modelFromTopology(topology: object, valuesOf: (layer: tfl.layers.Layer) => tf.Tensor[]): Promise<tfl.LayersModel> {
  const model = await tfl.models.modelFromJSON({ modelTopology: topology as tf.io.ModelJSON['modelTopology'] })
  try {
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue
      const values = tf.tidy(() => valuesOf(layer))
      try {
        layer.setWeights(values)
      } finally {
        tf.dispose(values)
      }
    }
    return model
  } catch (error) {
    model.dispose()
    throw error
  }
}
