import * as tfl from '@tensorflow/tfjs-layers'
import { ModelError } from '@prunekit/core'
import { z } from 'zod'
import { sizeOf, zooModel } from './context.js'
import { conv2d, dense, flatten, maxPool, outputLayer, sequentialModel, type LayerMaker } from './layers.js'

const imageShape = [28, 28, 1]

export const lenet5Options = z.object({}).strict()

export type Lenet5Options = z.output<typeof lenet5Options>

const isImageShape = (shape: number[]): boolean => shape.length === 3 && shape.every((d, i) => d === imageShape[i])

/** LeNet-5 (LeCun et al. 1998) for 28 x 28 x 1 digits; flat [784] inputs are reshaped first. */
export const lenet5Model = zooModel<Lenet5Options>('lenet-5', {
  description: 'LeNet-5 for 28x28x1 images: conv 6@5x5, pool, conv 16@5x5, pool, Dense 120, Dense 84, output',
  options: lenet5Options,
  build(_options, ctx) {
    const size = sizeOf(ctx.inputShape)
    if (size !== sizeOf(imageShape)) {
      throw new ModelError(
        `lenet-5 needs 28 x 28 x 1 inputs (784 values), but the data has shape [${ctx.inputShape.join(', ')}] (${size} values). ` +
          'Use it with MNIST-sized images ({ dataset: mnist, shape: image }), or pick mlp or lenet-300-100 for other data.',
      )
    }
    const reshape: LayerMaker[] = isImageShape(ctx.inputShape)
      ? []
      : [(first) => tfl.layers.reshape({ ...first, name: 'reshape', targetShape: imageShape })]
    return sequentialModel('lenet-5', ctx.inputShape, [
      ...reshape,
      conv2d({ name: 'conv_1', filters: 6, kernelSize: 5, padding: 'same' }, ctx.rng),
      maxPool('pool_1'),
      conv2d({ name: 'conv_2', filters: 16, kernelSize: 5, padding: 'valid' }, ctx.rng),
      maxPool('pool_2'),
      flatten(),
      dense({ name: 'dense_1', units: 120, activation: 'relu' }, ctx.rng),
      dense({ name: 'dense_2', units: 84, activation: 'relu' }, ctx.rng),
      outputLayer(ctx),
    ])
  },
})
