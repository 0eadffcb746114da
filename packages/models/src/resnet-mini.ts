import type { Rng } from '@prunekit/core'
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { zooModel } from './context.js'
import { batchNorm, convBnParams, convNoBias, relu, stageFiltersOption } from './conv-blocks.js'
import { imageInput } from './image-input.js'
import { denseParams, outputLayer } from './layers.js'

export const resnetMiniOptions = z
  .object({
    filters: stageFiltersOption('Filters of each stage (one residual block each); every stage after the first halves the resolution'),
  })
  .strict()

export type ResnetMiniOptions = z.output<typeof resnetMiniOptions>

type Tensor = tfl.SymbolicTensor

const call = (layer: tfl.layers.Layer, input: Tensor | Tensor[]): Tensor => layer.apply(input) as Tensor

/**
 * A basic residual block: conv-bn-relu, conv-bn, plus the shortcut (a strided 1x1 conv-bn projection
 * when the shape changes), then relu. The Add couples the block's output channels with the shortcut's.
 */
function residualBlock(x: Tensor, stage: number, filters: number, rng: Rng): Tensor {
  const p = `b${stage}`
  const inputFilters = x.shape.at(-1)
  const strides = stage === 1 ? 1 : 2
  let y = call(convNoBias({ name: `${p}_conv_1`, filters, strides }, rng.seed()), x)
  y = call(relu(`${p}_relu_1`), call(batchNorm(`${p}_bn_1`), y))
  y = call(batchNorm(`${p}_bn_2`), call(convNoBias({ name: `${p}_conv_2`, filters }, rng.seed()), y))
  let shortcut = x
  if (strides !== 1 || inputFilters !== filters) {
    shortcut = call(convNoBias({ name: `${p}_proj`, filters, kernelSize: 1, strides }, rng.seed()), x)
    shortcut = call(batchNorm(`${p}_proj_bn`), shortcut)
  }
  return call(relu(`${p}_relu`), call(tfl.layers.add({ name: `${p}_add` }), [y, shortcut]))
}

/** A small ResNet for 28 x 28 digits: a strided stem, one residual block per stage, Flatten, output. */
export const resnetMiniModel = zooModel<ResnetMiniOptions>('resnet-mini', {
  description: 'Small ResNet: stem conv-bn-relu 16 (stride 2), residual blocks of 16 and 32 filters (Add shortcuts; the second strided), Flatten, output',
  options: resnetMiniOptions,
  build(options, ctx) {
    const image = imageInput('resnet-mini', ctx)
    const input = tfl.input({ name: 'input', shape: ctx.inputShape })
    let x: Tensor = input
    for (const make of image.reshape) x = call(make({}), x)
    x = call(convNoBias({ name: 'stem_conv', filters: options.filters[0], strides: 2 }, ctx.rng.seed()), x)
    x = call(relu('stem_relu'), call(batchNorm('stem_bn'), x))
    options.filters.forEach((filters, i) => (x = residualBlock(x, i + 1, filters, ctx.rng)))
    x = call(tfl.layers.flatten({ name: 'flatten' }), x)
    const output = call(outputLayer(ctx)({}), x)
    return tfl.model({ name: 'resnet-mini', inputs: input, outputs: output })
  },
  params(options, ctx) {
    let [h, w, c] = imageInput('resnet-mini', ctx).shape
    let sum = convBnParams(c, options.filters[0])
    ;[h, w, c] = [Math.ceil(h / 2), Math.ceil(w / 2), options.filters[0]]
    options.filters.forEach((f, i) => {
      if (i > 0) [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)]
      sum += convBnParams(c, f) + convBnParams(f, f) + (i > 0 || c !== f ? convBnParams(c, f, 1) : 0)
      c = f
    })
    return sum + denseParams(h * w * c, [ctx.numClasses])
  },
})
