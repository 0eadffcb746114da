import { ModelError, type ModelContext } from '@prunekit/core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { LayerMaker } from './layers.js'

const mnistImage = [28, 28, 1]

/**
 * The [height, width, channels] image a convolutional builder works on. Images pass as they are; flat
 * MNIST digits ([784] or [28, 28]) are reshaped to [28, 28, 1] by a first `reshape` layer.
 */
export function imageInput(model: string, ctx: ModelContext): { shape: number[]; reshape: LayerMaker[] } {
  const { inputShape } = ctx
  if (inputShape.length === 3) return { shape: [...inputShape], reshape: [] }
  const size = inputShape.reduce((a, b) => a * b, 1)
  if (size === 784 && inputShape.length <= 2) {
    return { shape: mnistImage, reshape: [(first) => tfl.layers.reshape({ ...first, name: 'reshape', targetShape: mnistImage })] }
  }
  throw new ModelError(
    `${model} needs images, [height, width, channels], or flat MNIST digits (784 values); the data has shape [${inputShape.join(', ')}]. ` +
      'Use { dataset: mnist, shape: image }, or pick mlp or lenet-300-100 for flat data.',
  )
}
