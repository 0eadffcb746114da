import * as tf from '@tensorflow/tfjs-core'
import { threadsSupported, trainWasmSupported, UnsupportedModelError, WasmTrainer, type OptimizerSpec, type Param, type StateField } from '@prunekit/train-wasm'
import { wasmThreadCount } from './backend.js'
import type { HostBatch } from './batches.js'
import type { PrunableModel } from './model.js'
import type { OptimizerInternals, OptimizerSlotField } from './optimizer-state.js'

/** Where tfjs's optimizers keep each state field of the engine, and the suffix of its variables' names. */
const fields: Record<StateField, { field: OptimizerSlotField; suffix: string }> = {
  m: { field: 'accumulatedFirstMoment', suffix: 'm' },
  v: { field: 'accumulatedSecondMoment', suffix: 'v' },
  momentum: { field: 'accumulations', suffix: 'momentum' },
}

/** The engine's description of a tfjs optimizer, or the reason it has none. */
function optimizerSpec(optimizer: tf.Optimizer): OptimizerSpec | string {
  const o = optimizer as unknown as { learningRate: number; beta1: number; beta2: number; epsilon: number; momentum: number; useNesterov?: boolean }
  switch (optimizer.getClassName()) {
    case 'Adam':
      return { kind: 'adam', learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon }
    case 'Momentum':
      return o.useNesterov ? 'Nesterov momentum' : { kind: 'momentum', learningRate: o.learningRate, momentum: o.momentum }
    case 'SGD':
      return { kind: 'sgd', learningRate: o.learningRate }
    default:
      return `the ${optimizer.getClassName()} optimizer`
  }
}

/**
 * A fit's link to the WebAssembly engine: the model's weights, masks and optimizer state go in when
 * it opens (and again wherever a hook may have changed them), and come back out before any hook or
 * caller reads them. Each step trains one host batch with no tfjs op.
 */
export class EngineFit {
  private readonly params = new Map<string, Param>()
  private readonly masks = new Map<string, tf.Tensor | undefined>()
  private steps = 0

  private constructor(
    private readonly engine: WasmTrainer,
    private readonly model: PrunableModel,
  ) {
    const refs = model.weights()
    for (const ref of refs) {
      const param = engine.trainable.find((p) => p.variable === ref.variable)
      if (!param) throw new UnsupportedModelError(`the trainable weight ${ref.key} is not used by the layers the engine trains`)
      this.params.set(ref.key, param)
    }
    this.syncMasks()
  }

  /**
   * The engine for this model and optimizer, with the optimizer's state loaded; or, as a string, why
   * the fit trains through tfjs ops instead (the wasm backend only, and only models it supports).
   */
  static open(model: PrunableModel, optimizer: tf.Optimizer, batchSize: number): EngineFit | string {
    if (tf.getBackend() !== 'wasm') return `the ${tf.getBackend()} backend`
    if (!trainWasmSupported()) return 'no WebAssembly SIMD'
    const spec = optimizerSpec(optimizer)
    if (typeof spec === 'string') return spec
    // As many threads as the wasm backend was set up with (config `threads`), where Node.js worker threads exist.
    const threads = threadsSupported() ? wasmThreadCount() : 1
    let engine: WasmTrainer | undefined
    try {
      engine = WasmTrainer.compile(model.model, { batchSize, optimizer: spec, threads })
      const fit = new EngineFit(engine, model)
      fit.loadState(optimizer)
      return fit
    } catch (error) {
      engine?.dispose()
      if (error instanceof UnsupportedModelError) return error.message
      throw error
    }
  }

  /** How the fit trains, for its summary line: `wasm engine`, or `wasm engine (2 threads)`. */
  get label(): string {
    const threads = this.engine.threadCount
    return threads > 1 ? `wasm engine (${threads} threads)` : 'wasm engine'
  }

  /** Stops the engine's worker threads; call once the fit is over (after the last push). */
  dispose(): void {
    this.engine.dispose()
  }

  /** Trains one batch; returns its mean loss. */
  step(batch: HostBatch): number {
    this.steps++
    return this.engine.step(batch.x, batch.scale, batch.y, batch.n)
  }

  /** Brings in weights a hook wrote and masks it replaced. */
  pull(): void {
    this.engine.pull()
    this.syncMasks()
  }

  /** Writes the weights and the optimizer state back where tfjs reads them (nothing when no step ran since the last push). */
  push(optimizer: tf.Optimizer): void {
    if (!this.steps) return
    this.engine.push()
    this.saveState(optimizer)
  }

  private syncMasks(): void {
    for (const [key, param] of this.params) {
      const mask = this.model.masks.get(key)
      if (this.masks.has(key) && this.masks.get(key) === mask) continue
      this.engine.setMask(param, mask ? (mask.dataSync() as Float32Array) : null)
      this.masks.set(key, mask)
    }
  }

  /** Loads the optimizer's state; state it has not created yet is created as zeros, as tfjs does at the first step. */
  private loadState(optimizer: tf.Optimizer): void {
    const held = optimizer as unknown as OptimizerInternals
    const params = [...this.params.values()]
    for (const name of this.fieldNames()) {
      const { field, suffix } = fields[name]
      const slots = (held[field] ??= [])
      const views = this.engine.state(name)
      params.forEach((param, i) => {
        const view = views[this.engine.trainable.indexOf(param)]
        if (slots[i]) view.set(slots[i].variable.dataSync() as Float32Array)
        else slots[i] = { originalName: `${(param.variable.read() as tf.Variable).name}/${suffix}`, variable: tf.tidy(() => tf.zeros(param.variable.shape as number[]).variable(false)) }
      })
    }
    if (held.accBeta1 && held.accBeta2) this.engine.betaPowers = [held.accBeta1.dataSync()[0], held.accBeta2.dataSync()[0]]
  }

  private saveState(optimizer: tf.Optimizer): void {
    const held = optimizer as unknown as OptimizerInternals
    const params = [...this.params.values()]
    for (const name of this.fieldNames()) {
      const views = this.engine.state(name)
      const slots = held[fields[name].field]!
      params.forEach((param, i) => {
        const value = tf.tensor(views[this.engine.trainable.indexOf(param)].slice(), param.variable.shape as number[], 'float32')
        slots[i].variable.assign(value)
        value.dispose()
      })
    }
    const [p1, p2] = this.engine.betaPowers
    tf.tidy(() => {
      held.accBeta1?.assign(tf.scalar(p1))
      held.accBeta2?.assign(tf.scalar(p2))
    })
    if (held.iterations_ !== undefined) held.iterations_ += this.steps
    this.steps = 0
  }

  private fieldNames(): StateField[] {
    const kind = this.engine.options.optimizer.kind
    return kind === 'adam' ? ['m', 'v'] : kind === 'momentum' ? ['momentum'] : []
  }
}
