import type * as tfl from '@tensorflow/tfjs-layers'
import type { Kernels } from '../kernels.js'
import { conv2d, depthwise, maxPool } from './conv-ops.js'
import { UnsupportedModelError, type LayerCall } from './graph.js'
import { activationOp, add, batchNorm, dense, globalAveragePool, identity } from './layer-ops.js'

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
