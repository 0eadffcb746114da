import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { zooModel } from './context.js'
import { convBnParams, convBnRelu, stageFiltersOption } from './conv-blocks.js'
import { imageInput } from './image-input.js'
import { dense, denseParams, flatten, outputLayer, sequentialModel, type LayerMaker } from './layers.js'

export const cnnSmallOptions = z
  .object({
    filters: stageFiltersOption('Filters of each conv-bn-relu block (3x3 convolutions; the first has stride 2, a 2x2 max-pool follows the last)'),
    units: z.number().int().min(0).default(64).describe('Units of the relu Dense layer after Flatten (0: none)'),
  })
  .strict()

export type CnnSmallOptions = z.output<typeof cnnSmallOptions>

/**
 * A small CNN for 28 x 28 digits that structured pruning speeds up: conv-bn-relu blocks (the first with
 * stride 2, which keeps BatchNorm's share of the time small), max-pool, Flatten, Dense, output.
 */
export const cnnSmallModel = zooModel<CnnSmallOptions>('cnn-small', {
  description: 'Small CNN: conv-bn-relu blocks 16, 32 (3x3; the first with stride 2), max-pool, Flatten, Dense 64 relu, output',
  options: cnnSmallOptions,
  build(options, ctx) {
    const image = imageInput('cnn-small', ctx)
    const blocks = options.filters.flatMap((filters, i) => convBnRelu(i + 1, filters, i === 0 ? 2 : 1, ctx.rng))
    const pool: LayerMaker = (first) => tfl.layers.maxPooling2d({ ...first, name: 'pool', poolSize: 2, strides: 2 })
    const hidden = options.units > 0 ? [dense({ name: 'dense_1', units: options.units, activation: 'relu' }, ctx.rng)] : []
    return sequentialModel('cnn-small', ctx.inputShape, [...image.reshape, ...blocks, pool, flatten(), ...hidden, outputLayer(ctx)])
  },
  params(options, ctx) {
    const [h, w, c] = imageInput('cnn-small', ctx).shape
    const convs = options.filters.reduce((sum, f, i) => sum + convBnParams(i === 0 ? c : options.filters[i - 1], f), 0)
    const flat = Math.floor(Math.ceil(h / 2) / 2) * Math.floor(Math.ceil(w / 2) / 2) * options.filters[options.filters.length - 1]
    return convs + denseParams(flat, [...(options.units > 0 ? [options.units] : []), ctx.numClasses])
  },
})
