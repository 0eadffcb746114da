import type * as tfl from '@tensorflow/tfjs-layers'
import type { Kernels } from '../kernels.js'
import { UnsupportedModelError, type LayerCall } from './graph.js'

type LayerVariable = tfl.LayerVariable

/** A pointer fixed once the engine has sized every buffer (ops are built before memory is laid out). */
export interface Place {
  ptr: number
}

/** Where a value's gradient accumulates; tensors that alias one another (Flatten, Reshape) share it. */
export interface GradSlot extends Place {
  /** Set once the first consumer wrote it in this backward pass; later consumers add to it. */
  written: boolean
}

/** A tensor of the model for a whole batch: per-sample shape and size, its floats, its gradient (null: none needed). */
export interface Value {
  data: Place
  shape: number[]
  size: number
  grad: GradSlot | null
  /** Set when this value is softmax(logits): only the model output may be one (the loss op fuses the softmax). */
  logits?: Value
}

/** A weight of the model on the heap; `grad` is its gradient's place (trainable weights only). */
export interface Param extends Place {
  variable: LayerVariable
  size: number
  trainable: boolean
  grad: Place
  /** With worker threads: where each worker's slice of the batch writes its part of the gradient. */
  partials: Place[]
}

export interface Op {
  readonly layer: string
  forward(n: number): void
  backward(n: number): void
}

/** What an op builder gets: the kernels, the batch capacity, values, weights and scratch. */
export interface Build {
  k: Kernels
  value(id: number): Value
  /** A new value of this per-sample shape (with a gradient slot). */
  create(shape: number[]): Value
  /** A new name for an existing value's memory (Flatten, Reshape, identity layers). */
  alias(id: number, of: Value, shape: number[]): void
  define(id: number, value: Value): void
  param(layer: tfl.layers.Layer, kind: string): Param
  /** Per-op memory of `floats` floats per sample (times the batch capacity when `perSample`). */
  buffer(floats: number, perSample?: boolean): Place
  /** Scratch shared by all ops, slot 0 or 1, at least `floats` per sample. */
  scratch(slot: 0 | 1, floatsPerSample: number): Place
  /** The place a backward writes `v`'s gradient to; pass the result to {@link Build.done}. 0 when `v` needs none. */
  into(v: Value, slot: 0 | 1): number
  /** Adds what was written to scratch into `v`'s gradient. */
  done(v: Value, at: number, n: number): void
  /**
   * Runs kernel `name` over rows [0, n), split into contiguous slices across the threads: `args(start,
   * count, part)` gives one slice's arguments (part 0 runs on the calling thread). Returns the parts used.
   */
  split(name: KernelName, n: number, args: (start: number, count: number, part: number) => number[]): number
  /** Adds the other parts' partial gradients of `param` into its gradient. */
  reduce(param: Param, parts: number): void
}

export type KernelName = { [K in keyof Kernels]: Kernels[K] extends (...args: number[]) => unknown ? K : never }[keyof Kernels]

/** Where part `part` of a split backward writes `param`'s gradient. */
const gradOf = (param: Param, part: number): number => (part === 0 ? param.grad.ptr : param.partials[part - 1].ptr)
/** The address of row `start` of a per-sample array of `size` floats. */
const row = (ptr: number, start: number, size: number): number => (ptr ? ptr + start * size * 4 : 0)

const activationKinds: Record<string, number> = { relu: 0, relu6: 2 }

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

/** Output value of a layer with an optional fused activation: the linear part writes `pre`, an activation op `post`. */
function withActivation(b: Build, call: LayerCall, linear: (pre: Value) => Op): Op[] {
  const activation = (call.config.activation as string | undefined) ?? 'linear'
  if (activation === 'linear') {
    const out = b.create(call.outputShape)
    b.define(call.output, out)
    return [linear(out)]
  }
  const pre = b.create(call.outputShape)
  const op = linear(pre)
  if (activation === 'softmax') {
    // Only the model's output may end in softmax: the loss op takes the logits from here.
    b.define(call.output, { ...pre, logits: pre })
    return [op]
  }
  return [op, activationOp(b, call.layer.name, pre, call.output, activation, 0)]
}

function activationOp(b: Build, layer: string, x: Value, outputId: number, activation: string, maxValue: number): Op {
  const kind = activationKinds[activation]
  if (kind === undefined) throw new UnsupportedModelError(`layer "${layer}": activation ${activation}`)
  const effective = maxValue > 0 && kind === 0 ? 1 : kind
  const y = b.create(x.shape)
  b.define(outputId, y)
  return {
    layer,
    forward: (n) => b.split('activationForward', n, (s, c) => [row(y.data.ptr, s, x.size), row(x.data.ptr, s, x.size), c * x.size, effective, maxValue]),
    backward(n) {
      const dx = b.into(x, 0)
      if (!dx) return
      b.split('activationBackward', n, (s, c) => [row(dx, s, x.size), row(y.grad!.ptr, s, x.size), row(x.data.ptr, s, x.size), c * x.size, effective, maxValue])
      b.done(x, dx, n)
    },
  }
}

function conv2d(b: Build, call: LayerCall): Op[] {
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

function depthwise(b: Build, call: LayerCall): Op[] {
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

function dense(b: Build, call: LayerCall): Op[] {
  const { config, layer } = call
  if (call.inputShapes[0].length !== 1) throw new UnsupportedModelError(`layer "${layer.name}": Dense on rank-${call.inputShapes[0].length + 1} inputs (rank 2 only)`)
  const [inputs] = call.inputShapes[0]
  const units = call.outputShape[0]
  const kernel = b.param(layer, 'kernel')
  const bias = config.useBias ? b.param(layer, 'bias') : null
  const x = b.value(call.inputs[0])
  return withActivation(b, call, (y) => ({
    layer: layer.name,
    forward: (n) => b.split('denseForward', n, (s, c) => [row(y.data.ptr, s, units), row(x.data.ptr, s, inputs), kernel.ptr, bias?.ptr ?? 0, c, inputs, units]),
    backward(n) {
      const dx = b.into(x, 0)
      const parts = b.split('denseBackward', n, (s, c, part) => [row(dx, s, inputs), gradOf(kernel, part), bias ? gradOf(bias, part) : 0, row(y.grad!.ptr, s, units), row(x.data.ptr, s, inputs), kernel.ptr, c, inputs, units])
      b.reduce(kernel, parts)
      if (bias) b.reduce(bias, parts)
      if (dx) b.done(x, dx, n)
    },
  }))
}

function batchNorm(b: Build, call: LayerCall): Op[] {
  const { config, layer } = call
  const rank = call.inputShapes[0].length + 1
  const axis = config.axis as number
  if (axis !== -1 && axis !== rank - 1) throw new UnsupportedModelError(`layer "${layer.name}": BatchNormalization over axis ${axis} (the last axis only)`)
  const x = b.value(call.inputs[0])
  const c = x.shape[x.shape.length - 1]
  const perRow = x.size / c
  const gamma = config.scale !== false ? b.param(layer, 'gamma') : null
  const beta = config.center !== false ? b.param(layer, 'beta') : null
  const movingMean = b.param(layer, 'moving_mean')
  const movingVariance = b.param(layer, 'moving_variance')
  const [mean, invStd] = [b.buffer(c), b.buffer(c)]
  const [epsilon, momentum] = [config.epsilon as number, config.momentum as number]
  const y = b.create(x.shape)
  b.define(call.output, y)
  const { k } = b
  return [
    {
      layer: layer.name,
      forward: (n) => k.batchNormTrainForward(y.data.ptr, x.data.ptr, gamma?.ptr ?? 0, beta?.ptr ?? 0, mean.ptr, invStd.ptr, movingMean.ptr, movingVariance.ptr, n * perRow, c, epsilon, momentum),
      backward(n) {
        const dx = b.into(x, 0)
        k.batchNormBackward(dx || b.scratch(0, x.size).ptr, gamma?.grad.ptr ?? 0, beta?.grad.ptr ?? 0, y.grad!.ptr, x.data.ptr, mean.ptr, invStd.ptr, gamma?.ptr ?? 0, n * perRow, c)
        if (dx) b.done(x, dx, n)
      },
    },
  ]
}

function add(b: Build, call: LayerCall): Op[] {
  const inputs = call.inputs.map((id) => b.value(id))
  const y = b.create(call.outputShape)
  b.define(call.output, y)
  const { k } = b
  return [
    {
      layer: call.layer.name,
      forward(n) {
        b.split('addForward', n, (s, c) => [row(y.data.ptr, s, y.size), row(inputs[0].data.ptr, s, y.size), row(inputs[1].data.ptr, s, y.size), c * y.size])
        for (const extra of inputs.slice(2)) k.addInPlace(y.data.ptr, extra.data.ptr, n * y.size)
      },
      backward(n) {
        for (const x of inputs) {
          const dx = b.into(x, 0)
          if (!dx) continue
          k.copy(dx, y.grad!.ptr, n * y.size)
          b.done(x, dx, n)
        }
      },
    },
  ]
}

function maxPool(b: Build, call: LayerCall): Op[] {
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

function globalAveragePool(b: Build, call: LayerCall): Op[] {
  if (call.config.dataFormat !== undefined && call.config.dataFormat !== 'channelsLast') throw new UnsupportedModelError(`layer "${call.layer.name}": channels-first data`)
  const x = b.value(call.inputs[0])
  const c = x.shape[2]
  const hw = x.size / c
  const y = b.create(call.outputShape)
  b.define(call.output, y)
  return [
    {
      layer: call.layer.name,
      forward: (n) => b.split('globalAvgPoolForward', n, (s, count) => [row(y.data.ptr, s, c), row(x.data.ptr, s, x.size), count, hw, c]),
      backward(n) {
        const dx = b.into(x, 0)
        if (!dx) return
        b.split('globalAvgPoolBackward', n, (s, count) => [row(dx, s, x.size), row(y.grad!.ptr, s, c), count, hw, c])
        b.done(x, dx, n)
      },
    },
  ]
}

function identity(b: Build, call: LayerCall): Op[] {
  b.alias(call.output, b.value(call.inputs[0]), call.outputShape)
  return []
}

/** The ops of one layer call; a layer the engine lacks raises {@link UnsupportedModelError} naming it. */
export function layerOps(b: Build, call: LayerCall): Op[] {
  const name = call.layer.name
  switch (call.className) {
    case 'Conv2D':
      return conv2d(b, call)
    case 'DepthwiseConv2D':
      return depthwise(b, call)
    case 'Dense':
      return dense(b, call)
    case 'BatchNormalization':
      return batchNorm(b, call)
    case 'ReLU': {
      const max = call.config.maxValue as number | null | undefined
      return [activationOp(b, name, b.value(call.inputs[0]), call.output, 'relu', max ?? 0)]
    }
    case 'Activation': {
      const activation = call.config.activation as string
      if (activation === 'linear') return identity(b, call)
      if (activation === 'softmax') {
        const x = b.value(call.inputs[0])
        b.define(call.output, { ...x, logits: x })
        return []
      }
      return [activationOp(b, name, b.value(call.inputs[0]), call.output, activation, 0)]
    }
    case 'Add':
      return add(b, call)
    case 'MaxPooling2D':
      return maxPool(b, call)
    case 'GlobalAveragePooling2D':
      return globalAveragePool(b, call)
    case 'Flatten':
    case 'Reshape':
      return identity(b, call)
    case 'Dropout':
      if (call.config.rate === 0) return identity(b, call)
      throw new UnsupportedModelError(`layer "${name}": Dropout with rate ${String(call.config.rate)}`)
    default:
      throw new UnsupportedModelError(`layer "${name}" is a ${call.className}`)
  }
}
