import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { zooModel } from './context.js'
import { batchNorm, convBnParams, convNoBias } from './conv-blocks.js'
import { imageInput } from './image-input.js'
import { denseParams, outputLayer } from './layers.js'

const block = z
  .object({
    expansion: z.number().int().min(1).describe('Expansion factor t: the 1x1 expansion conv widens the input t times (1: no expansion conv)'),
    filters: z.number().int().positive().describe('Output channels of the projection conv'),
    strides: z.number().int().min(1).max(2).describe('Stride of the depthwise conv, 1 or 2 (of the first repeat only)'),
    repeat: z.number().int().min(1).default(1).describe('Blocks of this kind in a row; those with stride 1 and equal channels add a residual'),
  })
  .strict()

export const mobilenetMiniOptions = z
  .object({
    stem: z.number().int().positive().default(16).describe('Filters of the stem conv (3x3, stride 2)'),
    blocks: z
      .array(block)
      .min(1)
      .default([
        { expansion: 1, filters: 16, strides: 1, repeat: 1 },
        { expansion: 4, filters: 24, strides: 2, repeat: 2 },
        { expansion: 4, filters: 32, strides: 2, repeat: 2 },
      ])
      .describe('Inverted residual blocks (MobileNetV2 table 2: t, c, s, n)'),
    head: z.number().int().positive().default(64).describe('Filters of the last 1x1 conv before global average pooling'),
  })
  .strict()

export type MobilenetMiniOptions = z.output<typeof mobilenetMiniOptions>

type Tensor = tfl.SymbolicTensor
const call = (layer: tfl.layers.Layer, input: Tensor | Tensor[]): Tensor => layer.apply(input) as Tensor
const relu6 = (name: string) => tfl.layers.reLU({ name, maxValue: 6 })

/**
 * MobileNetV2's inverted residual (Sandler et al. 2018): 1x1 expansion conv-bn-relu6, 3x3 depthwise
 * conv-bn-relu6, 1x1 linear projection conv-bn, and an Add with the input when the shape is kept.
 */
function invertedResidual(x: Tensor, name: string, expansion: number, filters: number, strides: number, seed: () => number): Tensor {
  const channels = x.shape.at(-1) as number
  let y = x
  if (expansion > 1) {
    y = call(convNoBias({ name: `${name}_expand`, filters: channels * expansion, kernelSize: 1 }, seed()), y)
    y = call(relu6(`${name}_expand_relu`), call(batchNorm(`${name}_expand_bn`), y))
  }
  const depthwise = tfl.layers.depthwiseConv2d({
    name: `${name}_dw`,
    kernelSize: 3,
    strides,
    padding: 'same',
    useBias: false,
    depthwiseInitializer: tfl.initializers.heNormal({ seed: seed() }),
  })
  y = call(relu6(`${name}_dw_relu`), call(batchNorm(`${name}_dw_bn`), call(depthwise, y)))
  y = call(batchNorm(`${name}_project_bn`), call(convNoBias({ name: `${name}_project`, filters, kernelSize: 1 }, seed()), y))
  return strides === 1 && channels === filters ? call(tfl.layers.add({ name: `${name}_add` }), [x, y]) : y
}

/** A small MobileNetV2 for 28 x 28 images: stem, inverted residual blocks, 1x1 head, global average pooling, output. */
export const mobilenetMiniModel = zooModel<MobilenetMiniOptions>('mobilenet-mini', {
  description: 'Small MobileNetV2: stem conv 16 (stride 2), inverted residual blocks (1x1 expansion, 3x3 depthwise, 1x1 projection, BatchNorm, ReLU6, residual Adds), 1x1 head 64, global average pooling, output',
  options: mobilenetMiniOptions,
  build(options, ctx) {
    const image = imageInput('mobilenet-mini', ctx)
    const seed = () => ctx.rng.seed()
    const input = tfl.input({ name: 'input', shape: ctx.inputShape })
    let x: Tensor = input
    for (const make of image.reshape) x = call(make({}), x)
    x = call(convNoBias({ name: 'stem_conv', filters: options.stem, strides: 2 }, seed()), x)
    x = call(relu6('stem_relu'), call(batchNorm('stem_bn'), x))
    options.blocks.forEach((spec, b) => {
      for (let r = 0; r < spec.repeat; r++) x = invertedResidual(x, `b${b + 1}_${r + 1}`, spec.expansion, spec.filters, r === 0 ? spec.strides : 1, seed)
    })
    x = call(convNoBias({ name: 'head_conv', filters: options.head, kernelSize: 1 }, seed()), x)
    x = call(relu6('head_relu'), call(batchNorm('head_bn'), x))
    x = call(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x)
    const output = call(outputLayer(ctx)({}), x)
    return tfl.model({ name: 'mobilenet-mini', inputs: input, outputs: output })
  },
  params(options, ctx) {
    let c = imageInput('mobilenet-mini', ctx).shape[2]
    let sum = convBnParams(c, options.stem)
    c = options.stem
    for (const b of options.blocks) {
      for (let r = 0; r < b.repeat; r++) {
        const wide = c * b.expansion
        sum += (b.expansion > 1 ? convBnParams(c, wide, 1) : 0) + 9 * wide + 4 * wide + convBnParams(wide, b.filters, 1)
        c = b.filters
      }
    }
    return sum + convBnParams(c, options.head, 1) + denseParams(options.head, [ctx.numClasses])
  },
})
