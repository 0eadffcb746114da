import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { zooModel } from './context.js'
import { convBnParams, convBnRelu } from './conv-blocks.js'
import { imageInput } from './image-input.js'
import { dense, denseParams, flatten, maxPool, outputLayer, sequentialModel } from './layers.js'

export const vggMiniOptions = z
  .object({
    stages: z
      .array(z.array(z.number().int().positive()).min(1))
      .min(1)
      .default([
        [32, 32],
        [64, 64],
      ])
      .describe('Filters of the 3x3 conv-bn-relu layers of each stage; a 2x2 max-pool ends every stage'),
    units: z.number().int().min(0).default(128).describe('Units of the relu Dense layer after Flatten (0: none)'),
  })
  .strict()

export type VggMiniOptions = z.output<typeof vggMiniOptions>

/** A small VGG (Simonyan & Zisserman 2015) for 28 x 28 images: stages of 3x3 conv-bn-relu, each ending in a max-pool, then Dense. */
export const vggMiniModel = zooModel<VggMiniOptions>('vgg-mini', {
  description: 'Small VGG: stages of 3x3 conv-bn-relu (32, 32 | 64, 64), a max-pool after each, Flatten, Dense 128 relu, output',
  options: vggMiniOptions,
  build(options, ctx) {
    const image = imageInput('vgg-mini', ctx)
    let index = 0
    const layers = options.stages.flatMap((stage, s) => [...stage.flatMap((filters) => convBnRelu(++index, filters, 1, ctx.rng)), maxPool(`pool_${s + 1}`)])
    const hidden = options.units > 0 ? [dense({ name: 'dense_1', units: options.units, activation: 'relu' }, ctx.rng)] : []
    return sequentialModel('vgg-mini', ctx.inputShape, [...image.reshape, ...layers, flatten(), ...hidden, outputLayer(ctx)])
  },
  params(options, ctx) {
    let [h, w, c] = imageInput('vgg-mini', ctx).shape
    let sum = 0
    for (const stage of options.stages) {
      for (const f of stage) [sum, c] = [sum + convBnParams(c, f), f]
      ;[h, w] = [Math.floor(h / 2), Math.floor(w / 2)]
    }
    return sum + denseParams(h * w * c, [...(options.units > 0 ? [options.units] : []), ctx.numClasses])
  },
})
