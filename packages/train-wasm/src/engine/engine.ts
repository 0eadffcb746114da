import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { Heap } from '../module.js'
import { KernelThreads } from '../threads.js'
import { readGraph, UnsupportedModelError } from './graph.js'
import { layerOps, type Build, type GradSlot, type Op, type Param, type Place, type Value } from './ops.js'

/** The optimizer a {@link WasmTrainer} applies, with tfjs 4.22's update rules. */
export type OptimizerSpec =
  | { kind: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number }
  | { kind: 'momentum'; learningRate: number; momentum: number }
  | { kind: 'sgd'; learningRate: number }

/** Per-weight optimizer state: Adam's two moments (`m`, `v`) or momentum's accumulation (`momentum`). */
export type StateField = 'm' | 'v' | 'momentum'

const stateFields: Record<OptimizerSpec['kind'], StateField[]> = { adam: ['m', 'v'], momentum: ['momentum'], sgd: [] }

export interface WasmTrainerOptions {
  /** Rows per step at most (the last batch of an epoch may be shorter). */
  batchSize: number
  optimizer: OptimizerSpec
  /**
   * Threads that share each op's batch (default 1): the calling thread and `threads - 1` Node.js worker
   * threads on a shared memory. Weight gradients are summed in a fixed order, so a given thread count
   * gives the same numbers every run (slightly different ones from another count).
   */
  threads?: number
}

interface Pending {
  place: Place
  floats: number
}

type DataId = object

/**
 * Trains a tf.LayersModel in one WebAssembly SIMD module: every layer's forward and backward and the
 * optimizer step run as fused kernels on the module's own memory, with no tfjs op per layer. The
 * model's weights are copied in by {@link WasmTrainer.pull} and back by {@link WasmTrainer.push}.
 * Supported: Conv2D, DepthwiseConv2D (multiplier 1), Dense, BatchNormalization (last axis), ReLU
 * (with maxValue), relu / relu6 / linear activations, Add, MaxPooling2D, GlobalAveragePooling2D,
 * Flatten, Reshape, Dropout(0), ending in softmax, trained with categorical cross-entropy;
 * {@link WasmTrainer.compile} raises {@link UnsupportedModelError} naming the first layer it lacks.
 */
export class WasmTrainer {
  /** The trainable weights, in the model's layer order (the order of their optimizer state). */
  readonly trainable: Param[]
  private readonly heap: Heap
  private readonly ops: Op[]
  private readonly params: Param[]
  private readonly grads: GradSlot[]
  private readonly synced = new Map<Param, DataId>()
  private readonly block: { params: Place; grads: Place; masks: Place; state: Place[]; floats: number }
  private readonly io: { x: Place; labels: Place; probs: Place; inputSize: number; classes: number }
  private readonly logits: Value
  /** The weights whose masks hold a zero: while any does, every step multiplies the weights by the masks. */
  private readonly masked = new Set<Param>()
  private readonly threads: KernelThreads | null
  /** beta1^t and beta2^t as tfjs's Adam tracks them (float32), for the next step. */
  betaPowers: [number, number]

  private constructor(
    readonly model: tfl.LayersModel,
    readonly options: WasmTrainerOptions,
  ) {
    const graph = readGraph(model)
    const threadCount = Math.max(1, Math.floor(options.threads ?? 1))
    const heap = new Heap({ shared: threadCount > 1 })
    const threads = threadCount > 1 ? new KernelThreads(heap.module, heap.memory, threadCount) : null
    const k = heap.kernels
    const batch = options.batchSize
    const pending: Pending[] = []
    const request = (floats: number): Place => {
      const place = { ptr: 0 }
      pending.push({ place, floats })
      return place
    }
    const values = new Map<number, Value>()
    const grads: GradSlot[] = []
    const params = new Map<tfl.LayerVariable, Param>()
    const scratch: [Place, Place] = [{ ptr: 0 }, { ptr: 0 }]
    const scratchFloats = [0, 0]
    const valueOf = (id: number): Value => {
      const v = values.get(id)
      if (!v) throw new UnsupportedModelError(`tensor ${id} is read before it is computed`)
      return v
    }
    const build: Build = {
      k,
      value: valueOf,
      create(shape) {
        const size = shape.reduce((a, b) => a * b, 1)
        const grad: GradSlot = { ptr: 0, written: false }
        grads.push(grad)
        pending.push({ place: grad, floats: batch * size })
        return { data: request(batch * size), shape, size, grad }
      },
      alias(id, of, shape) {
        values.set(id, { data: of.data, shape, size: of.size, grad: of.grad })
      },
      define(id, value) {
        values.set(id, value)
      },
      param(layer, kind) {
        const variable = layer.weights.find((w) => w.originalName.split('/').pop() === kind)
        if (!variable) throw new UnsupportedModelError(`layer "${layer.name}" has no ${kind} weight`)
        let param = params.get(variable)
        if (!param) {
          const size = variable.shape.reduce<number>((a, d) => a * (d ?? 0), 1)
          param = { ptr: 0, variable, size, trainable: layer.trainable && variable.trainable, grad: { ptr: 0 }, partials: [] }
          params.set(variable, param)
        }
        return param
      },
      buffer: (floats, perSample = false) => request(perSample ? floats * batch : floats),
      scratch(slot, floats) {
        scratchFloats[slot] = Math.max(scratchFloats[slot], floats * batch)
        return scratch[slot]
      },
      into(v, slot) {
        if (!v.grad) return 0
        if (!v.grad.written) {
          v.grad.written = true
          return v.grad.ptr
        }
        return scratch[slot].ptr // sized below for the widest value
      },
      done(v, at, n) {
        if (v.grad && at !== v.grad.ptr) k.addInPlace(v.grad.ptr, at, n * v.size)
      },
      split(name, n, args) {
        const call = (list: number[]) => (k[name] as (...a: number[]) => unknown)(...list)
        const parts = threads ? Math.min(threads.count, n) : 1
        if (parts === 1) {
          call(args(0, n, 0))
          return 1
        }
        const base = Math.floor(n / parts)
        const starts = Array.from({ length: parts + 1 }, (_, p) => p * base + Math.min(p, n % parts))
        for (let p = 1; p < parts; p++) threads!.start(p - 1, name, args(starts[p], starts[p + 1] - starts[p], p))
        call(args(0, starts[1], 0))
        threads!.join(parts - 1)
        return parts
      },
      reduce(param, parts) {
        if (!param.trainable) return
        for (let p = 1; p < parts; p++) k.addInPlace(param.grad.ptr, param.partials[p - 1].ptr, param.size)
      },
    }

    const input: Value = { data: { ptr: 0 }, shape: graph.input.shape, size: graph.input.shape.reduce((a, b) => a * b, 1), grad: null }
    values.set(graph.input.id, input)
    const ops = graph.calls.flatMap((call) => layerOps(build, call))
    const output = valueOf(graph.output)
    if (!output.logits) throw new UnsupportedModelError('the model output is not a softmax (the engine trains classifiers with categorical cross-entropy)')
    this.logits = output.logits
    const classes = output.size
    // Every activation the backward reads may need a scratch of the widest value.
    const widest = Math.max(...[...values.values()].map((v) => v.size))
    scratchFloats[0] = Math.max(scratchFloats[0], widest * batch)
    scratchFloats[1] = Math.max(scratchFloats[1], widest * batch)

    // Trainable weights first and contiguous, so one optimizer and one mask call cover them all.
    const all = [...params.values()]
    const order = new Map(model.weights.map((w, i) => [w, i]))
    this.trainable = all.filter((p) => p.trainable).sort((a, b) => (order.get(a.variable) ?? 0) - (order.get(b.variable) ?? 0))
    const floats = this.trainable.reduce((n, p) => n + p.size, 0)
    const fields = stateFields[options.optimizer.kind]
    this.block = { params: request(floats), grads: request(floats), masks: request(floats), state: fields.map(() => request(floats)), floats }
    const partialBlocks = Array.from({ length: threadCount - 1 }, () => request(floats))
    // Frozen weights' gradients are computed and dropped: one junk area per thread.
    const frozenGrads = Array.from({ length: threadCount }, () => request(Math.max(0, ...all.filter((p) => !p.trainable).map((p) => p.size))))
    const rest = all.filter((p) => !p.trainable).map((p) => ({ p, place: request(p.size) }))
    this.io = { x: request(batch * input.size), labels: request(batch * classes), probs: request(batch * classes), inputSize: input.size, classes }
    for (const slot of [0, 1] as const) pending.push({ place: scratch[slot], floats: scratchFloats[slot] })

    const floatsNeeded = pending.reduce((sum, p) => sum + Math.ceil(p.floats / 4) * 4 + 4, 0)
    try {
      heap.reserve(floatsNeeded)
    } catch (cause) {
      threads?.dispose()
      const gib = ((floatsNeeded * 4) / 2 ** 30).toFixed(1)
      throw new UnsupportedModelError(`the engine would hold ${gib} GiB for batches of ${batch} (activations and their gradients), more than this WebAssembly memory can grow to (${(cause as Error).message})`)
    }
    for (const { place, floats: n } of pending) place.ptr = heap.alloc(n)
    input.data.ptr = this.io.x.ptr
    let offset = this.block.params.ptr
    let gradOffset = this.block.grads.ptr
    for (const p of this.trainable) {
      p.ptr = offset
      p.grad.ptr = gradOffset
      p.partials = partialBlocks.map((block) => ({ ptr: block.ptr + (gradOffset - this.block.grads.ptr) }))
      offset += p.size * 4
      gradOffset += p.size * 4
    }
    for (const { p, place } of rest) {
      p.ptr = place.ptr
      p.grad.ptr = frozenGrads[0].ptr
      p.partials = frozenGrads.slice(1).map((junk) => ({ ptr: junk.ptr }))
    }
    heap.f32(this.block.masks.ptr, floats).fill(1)
    this.heap = heap
    this.threads = threads
    this.ops = ops
    this.params = all
    this.grads = grads
    const adam = options.optimizer.kind === 'adam' ? options.optimizer : null
    this.betaPowers = adam ? [adam.beta1, adam.beta2] : [1, 1]
    this.pull()
  }

  /** The engine for `model`, or an {@link UnsupportedModelError} naming what it lacks. */
  static compile(model: tfl.LayersModel, options: WasmTrainerOptions): WasmTrainer {
    return new WasmTrainer(model, options)
  }

  /** Copies into the engine every weight whose tfjs variable changed since the last pull or push. */
  pull(): void {
    for (const p of this.params) {
      const value = p.variable.read() as tf.Variable & { dataId: DataId }
      if (this.synced.get(p) === value.dataId) continue
      this.heap.f32(p.ptr, p.size).set(value.dataSync() as Float32Array)
      this.synced.set(p, value.dataId)
    }
  }

  /** Writes the engine's weights (BatchNorm's moving statistics included) into the model's variables. */
  push(): void {
    for (const p of this.params) {
      const t = tf.tensor(this.heap.f32(p.ptr, p.size).slice(), p.variable.shape as number[], 'float32')
      p.variable.write(t)
      t.dispose()
      this.synced.set(p, (p.variable.read() as tf.Variable & { dataId: DataId }).dataId)
    }
  }

  /** Holds a trainable weight's pruned entries at zero after every step (null: no mask). */
  setMask(param: Param, mask: Float32Array | null): void {
    const i = this.trainable.indexOf(param)
    if (i < 0) throw new Error(`setMask: ${param.variable.name} is not a trainable weight of this engine`)
    const view = this.heap.f32(param.ptr - this.block.params.ptr + this.block.masks.ptr, param.size)
    if (mask) view.set(mask)
    else view.fill(1)
    if (mask?.some((m) => m !== 1)) this.masked.add(param)
    else this.masked.delete(param)
  }

  /** The optimizer state `field` of each trainable weight, as live views (read to save it, write to restore it). */
  state(field: StateField): Float32Array[] {
    const index = stateFields[this.options.optimizer.kind].indexOf(field)
    if (index < 0) throw new Error(`The ${this.options.optimizer.kind} optimizer keeps no ${field} state.`)
    const base = this.block.state[index].ptr
    return this.trainable.map((p) => this.heap.f32(base + (p.ptr - this.block.params.ptr), p.size))
  }

  /**
   * One optimizer step on `n` rows: `x` holds the rows' features (bytes are multiplied by `scale`),
   * `labels` their one-hot classes. Returns the batch's mean loss.
   */
  step(x: Float32Array | Uint8Array, scale: number, labels: Float32Array, n: number): number {
    const { heap, io } = this
    if (n > this.options.batchSize || n < 1) throw new RangeError(`step: ${n} rows (1 to ${this.options.batchSize})`)
    const xs = heap.f32(io.x.ptr, n * io.inputSize)
    if (x instanceof Float32Array && scale === 1) xs.set(x.subarray(0, n * io.inputSize))
    else for (let i = 0; i < n * io.inputSize; i++) xs[i] = x[i] * scale
    heap.f32(io.labels.ptr, n * io.classes).set(labels.subarray(0, n * io.classes))
    const k = heap.kernels
    for (const op of this.ops) op.forward(n)
    for (const g of this.grads) g.written = false
    const logits = this.logits
    logits.grad!.written = true
    const loss = k.softmaxCrossEntropy(io.probs.ptr, logits.grad!.ptr, logits.data.ptr, io.labels.ptr, n, io.classes)
    for (let i = this.ops.length - 1; i >= 0; i--) this.ops[i].backward(n)
    this.update()
    return loss
  }

  private update(): void {
    const k = this.heap.kernels
    const { params, grads, masks, state, floats } = this.block
    const o = this.options.optimizer
    if (o.kind === 'adam') {
      const [p1, p2] = this.betaPowers
      k.adamUpdate(params.ptr, grads.ptr, state[0].ptr, state[1].ptr, floats, o.learningRate, o.beta1, o.beta2, o.epsilon, p1, p2)
      this.betaPowers = [Math.fround(p1 * o.beta1), Math.fround(p2 * o.beta2)]
    } else if (o.kind === 'momentum') k.momentumUpdate(params.ptr, grads.ptr, state[0].ptr, floats, o.learningRate, o.momentum)
    else k.sgdUpdate(params.ptr, grads.ptr, floats, o.learningRate)
    if (this.masked.size) k.multiplyInPlace(params.ptr, masks.ptr, floats)
  }

  /** Threads sharing each op's batch (the calling one included). */
  get threadCount(): number {
    return this.threads?.count ?? 1
  }

  /** Stops the engine's worker threads (a no-op without them); the engine cannot step after this. */
  dispose(): void {
    this.threads?.dispose()
  }

  /** Bytes of WebAssembly memory the engine holds. */
  get bytes(): number {
    return this.heap.size
  }
}

export { UnsupportedModelError }
