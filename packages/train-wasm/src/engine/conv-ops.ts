import { UnsupportedModelError, type LayerCall } from './graph.js'
import { gradOf, row, withActivation } from './layer-ops.js'
import type { Build, Op } from './ops.js'

function pair(value: unknown, what: string, layer: string): [number, number] {
  const list = Array.isArray(value) ? value : [value, value]
  if (list.length !== 2 || !list.every((v) => Number.isInteger(v))) throw new UnsupportedModelError(`layer "${layer}": ${what} ${JSON.stringify(value)}`)
  return list as [number, number]
}
/** tfjs's 'same' padding puts the odd pixel at the bottom/right. */
function padding(mode: unknown, input: number, output: number, stride: number, size: number, layer: string): number {
  if (mode === 'valid') return 0
  if (mode === 'same') return Math.floor(Math.max(0, (output - 1) * stride + size - input) / 2)
  throw new UnsupportedModelError(`layer "${layer}": padding "${String(mode)}"`)
}
/** The geometry of a 2-D window op (convolution, pooling) on channels-last images. */
interface Window {
  h: number
  w: number
  c: number
  kh: number
  kw: number
  sh: number
  sw: number
  top: number
  left: number
  oh: number
  ow: number
}
function windowOf(call: LayerCall, size: unknown, strides: unknown): Window {
  const name = call.layer.name
  const { config } = call
  if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') throw new UnsupportedModelError(`layer "${name}": data format ${String(config.dataFormat)} (channels-last only)`)
  const rate = config.dilationRate
  if (rate !== undefined && pair(rate, 'dilation', name).some((r) => r !== 1)) throw new UnsupportedModelError(`layer "${name}": dilation ${JSON.stringify(rate)}`)
  const [h, w, c] = call.inputShapes[0]
  const [oh, ow] = call.outputShape
  const [kh, kw] = pair(size, 'window', name)
  const [sh, sw] = pair(strides ?? size, 'strides', name)
  return { h, w, c, kh, kw, sh, sw, oh, ow, top: padding(config.padding, h, oh, sh, kh, name), left: padding(config.padding, w, ow, sw, kw, name) }
}
export function conv2d(b: Build, call: LayerCall): Op[] {
  const { config, layer } = call
  const g = windowOf(call, config.kernelSize, config.strides)
  const cout = call.outputShape[2]
  const kernel = b.param(layer, 'kernel')
  const bias = config.useBias ? b.param(layer, 'bias') : null
  const x = b.value(call.inputs[0])
  // A 1x1 stride-1 unpadded conv is a plain matrix product: no patch matrix. The forward's patches stay
  // for the backward (per layer); the backward's own scratch is shared by all layers.
  const patches = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 ? 0 : g.oh * g.ow * g.kh * g.kw * g.c
  const col = patches ? b.buffer(patches, true) : { ptr: 0 }
  const dcol = patches && x.grad ? b.scratch(1, patches) : { ptr: 0 }
  const geometry = [g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.top, g.left, g.oh, g.ow, cout]
  return withActivation(b, call, (y) => ({
    layer: layer.name,
    forward: (n) =>
      b.split('conv2dForward', n, (s, c) => [row(y.data.ptr, s, y.size), row(x.data.ptr, s, x.size), kernel.ptr, bias?.ptr ?? 0, row(col.ptr, s, patches), c, ...geometry]),
    backward(n) {
      const dx = b.into(x, 0)
      const parts = b.split('conv2dBackward', n, (s, c, part) => [
        row(dx, s, x.size),
        gradOf(kernel, part),
        bias ? gradOf(bias, part) : 0,
        row(y.grad!.ptr, s, y.size),
        row(x.data.ptr, s, x.size),
        kernel.ptr,
        row(col.ptr, s, patches),
        row(dcol.ptr, s, patches),
        c,
        ...geometry,
      ])
      b.reduce(kernel, parts)
      if (bias) b.reduce(bias, parts)
      if (dx) b.done(x, dx, n)
    },
  }))
}
export function depthwise(b: Build, call: LayerCall): Op[] {
  const { config, layer } = call
  if (config.depthMultiplier !== undefined && config.depthMultiplier !== 1) throw new UnsupportedModelError(`layer "${layer.name}": depth multiplier ${String(config.depthMultiplier)} (1 only)`)
  const g = windowOf(call, config.kernelSize, config.strides)
  const kernel = b.param(layer, 'depthwise_kernel')
  const bias = config.useBias ? b.param(layer, 'bias') : null
  const x = b.value(call.inputs[0])
  const rows = g.oh * g.ow
  const { k } = b
  const geometry = [g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.top, g.left, g.oh, g.ow]
  return withActivation(b, call, (y) => ({
    layer: layer.name,
    forward(n) {
      b.split('depthwiseForward', n, (s, c) => [row(y.data.ptr, s, y.size), row(x.data.ptr, s, x.size), kernel.ptr, c, ...geometry])
      if (bias) k.biasAdd(y.data.ptr, bias.ptr, n * rows, g.c)
    },
    backward(n) {
      const dx = b.into(x, 0)
      if (bias) k.columnSums(bias.grad.ptr, y.grad!.ptr, n * rows, g.c)
      const parts = b.split('depthwiseBackward', n, (s, c, part) => [row(dx, s, x.size), gradOf(kernel, part), row(y.grad!.ptr, s, y.size), row(x.data.ptr, s, x.size), kernel.ptr, c, ...geometry])
      b.reduce(kernel, parts)
      if (dx) b.done(x, dx, n)
    },
  }))
}
export function maxPool(b: Build, call: LayerCall): Op[] {
  const g = windowOf(call, call.config.poolSize, call.config.strides)
  const x = b.value(call.inputs[0])
  const y = b.create(call.outputShape)
  b.define(call.output, y)
  const geometry = [g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.top, g.left, g.oh, g.ow]
  return [
    {
      layer: call.layer.name,
      forward: (n) => b.split('maxPoolForward', n, (s, c) => [row(y.data.ptr, s, y.size), row(x.data.ptr, s, x.size), c, ...geometry]),
      backward(n) {
        const dx = b.into(x, 0)
        if (!dx) return
        b.split('maxPoolBackward', n, (s, c) => [row(dx, s, x.size), row(y.grad!.ptr, s, y.size), row(x.data.ptr, s, x.size), c, ...geometry])
        b.done(x, dx, n)
      },
    },
  ]
}
