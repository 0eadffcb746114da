import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { SparseModelJson } from '../src/format.js'

export const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer)
export const u16 = (...values: number[]) => new Uint8Array(new Uint16Array(values).buffer)
export const bytes = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)))

/** A Dense(4 -> 3) model's stock artifacts, and its sparse form written by hand from the format's spec. */
export async function handWritten() {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4], name: 'dense' })] })
  const kernel = [0, 1.5, 0, 0, 0, 0, -2, 0, 0, 0, 0, 3]
  model.setWeights([tf.tensor2d(kernel, [4, 3]), tf.tensor1d([0, 0.25, 0])])
  let stock!: tf.io.ModelArtifacts
  await model.save(tf.io.withSaveHandler(async (artifacts) => ((stock = artifacts), { modelArtifactsInfo: {} as tf.io.ModelArtifactsInfo })))
  const modelJson: SparseModelJson = {
    format: 'prunekit-sparse',
    version: 1,
    data: 'weights.sparse.bin',
    topology: stock.modelTopology as object,
    weights: [
      // kernel: elements 1, 6 and 11 stored; zeros before each: 1, 4, 4
      { name: 'dense/kernel', shape: [4, 3], dtype: 'float32', encoding: 'deltas', stored: 3, bytes: 3 + 12 },
      // bias: element 1 stored, bitmask 0b010
      { name: 'dense/bias', shape: [3], dtype: 'float32', encoding: 'bitmask', stored: 1, bytes: 1 + 4 },
    ],
  }
  const data = bytes([1, 4, 4], f32(1.5, -2, 3), [0b010], f32(0.25))
  return { model, kernel, stock, modelJson, data }
}
