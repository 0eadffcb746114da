import { UnsupportedModelError, type LayerCall } from './graph.js'
import type { Build, Op, Param, Value } from './ops.js'

/** Where part `part` of a split backward writes `param`'s gradient. */
export const gradOf = (param: Param, part: number): number => (part === 0 ? param.grad.ptr : param.partials[part - 1].ptr)
/** The address of row `start` of a per-sample array of `size` floats. */
export const row = (ptr: number, start: number, size: number): number => (ptr ? ptr + start * size * 4 : 0)

const activationKinds: Record<string, number> = { relu: 0, relu6: 2 }

/** Output value of a layer with an optional fused activation: the linear part writes `pre`, an activation op `post`. */
export function withActivation(b: Build, call: LayerCall, linear: (pre: Value) => Op): Op[] {
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
export function activationOp(b: Build, layer: string, x: Value, outputId: number, activation: string, maxValue: number): Op {
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
export function dense(b: Build, call: LayerCall): Op[] {
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
export function batchNorm(b: Build, call: LayerCall): Op[] {
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
export function add(b: Build, call: LayerCall): Op[] {
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
export function globalAveragePool(b: Build, call: LayerCall): Op[] {
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
export function identity(b: Build, call: LayerCall): Op[] {
  b.alias(call.output, b.value(call.inputs[0]), call.outputShape)
  return []
}
