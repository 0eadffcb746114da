import * as tf from '@tensorflow/tfjs-core'
// tfjs-core registers op gradients only on request; importing tfjs-layers registers all of them.
import '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { HostSplit } from './batches.js'
import { RunInterruptedError } from './errors.js'
import type { Split, Task } from './data.js'
import { teacherTargets, type Distillation } from './distill.js'
import { batchLoss, byWeightKey } from './gradients.js'
import { distillationLoss } from './loss.js'
import { ModelSlot } from './model-slot.js'
import type { PrunableModel } from './model.js'
import { optimizerNames } from './optimizers.js'
import { EngineFit } from './wasm-fit.js'
import type { Rng } from './rng.js'

/** Defaults for every train / finetune step; each step may override any of them. */
export const trainDefaultsSchema = z
  .object({
    optimizer: z.enum(optimizerNames).default('adam').describe('Optimizer: sgd, momentum (0.9) or adam'),
    learningRate: z.number().positive().default(0.001).describe('Learning rate'),
    batchSize: z.number().int().positive().default(64).describe('Samples per optimizer step'),
    shuffle: z.boolean().default(true).describe('Shuffle the training split every epoch (seeded)'),
    engine: z
      .enum(['auto', 'tfjs'])
      .default('auto')
      .describe(
        "auto: on the wasm backend, train models of supported layers (Conv2D, DepthwiseConv2D, Dense, BatchNormalization, ReLU, Add, pooling, softmax output) in prunekit's fused WebAssembly engine, else through tfjs ops; tfjs: always through tfjs ops",
      ),
  })
  .strict()

export type TrainDefaults = z.output<typeof trainDefaultsSchema>

export interface FitOptions extends Omit<TrainDefaults, 'engine'> {
  /** Default 'auto': the WebAssembly engine where it can train the model (see the `engine` key of the train defaults). */
  engine?: TrainDefaults['engine']
  epochs: number
}

export interface TrainProgress {
  epoch: number
  epochs: number
  batch: number
  batches: number
  /** Mean training loss of the epoch, set on the epoch's last batch. */
  loss?: number
}

/** What a fit needs besides the model and the data. */
export interface FitContext {
  task: Task
  /** Seeded generator for the per-epoch shuffle. */
  rng: Rng
  onProgress?: (p: TrainProgress) => void
  /**
   * Runs after every optimizer step (masks already enforced), with the 1-based step count of this
   * fit. A gradual-pruning schedule re-prunes here; new masks, or a new model put in the slot, are
   * trained from the next step on.
   */
  afterStep?: (step: number) => void | Promise<void>
  /**
   * Sees every optimizer step's gradients, keyed by weight key, before the optimizer applies them
   * (movement pruning accumulates -w*g here). The tensors are disposed when it returns.
   */
  onGradients?: (gradients: ReadonlyMap<string, tf.Tensor>, model: PrunableModel) => void
  /** Runs after each epoch (1-based), with the optimizer steps taken so far, e.g. to save a rewind checkpoint. */
  afterEpoch?: (epoch: number, step: number) => void | Promise<void>
  /** Once aborted, the fit stops at the end of the batch it is in, throwing a {@link RunInterruptedError}. */
  signal?: AbortSignal
  /** Goes on from the end of an earlier epoch of this fit (its shuffles already drawn from `rng`). */
  start?: { epoch: number; step: number }
  /** Learn from a teacher's soft targets as well as the labels (multiclass only). */
  distill?: Distillation
}

export interface FitResult {
  /** Mean training loss of each epoch. */
  losses: number[]
  samples: number
  seconds: number
  /** `wasm engine` (or `wasm engine (2 threads)`) when the fit trained in prunekit's WebAssembly engine, else why it trained through tfjs ops. */
  engine: string
}

/** The variables a fit updates, and the masks it enforces on them. */
function bind(model: PrunableModel) {
  const refs = model.weights()
  const variables = refs.map((r) => r.variable.read() as tf.Variable)
  const masked = () =>
    refs.flatMap((r, i) => {
      const mask = model.masks.get(r.key)
      return mask ? [{ variable: variables[i], mask }] : []
    })
  return { model, variables, masked }
}

/** One optimizer step that shows its gradients to a hook first: what minimize does, with the gradients in view. */
function observedStep(optimizer: tf.Optimizer, loss: () => tf.Scalar, variables: tf.Variable[], model: PrunableModel, hook: NonNullable<FitContext['onGradients']>): tf.Scalar {
  const { value, grads } = optimizer.computeGradients(loss, variables)
  try {
    hook(byWeightKey(model, grads), model)
    optimizer.applyGradients(grads)
  } finally {
    tf.dispose(grads)
  }
  return value
}

/** One optimizer step through tfjs ops on an uploaded batch (disposed here); returns the batch's cost. */
function tfjsStep(bound: ReturnType<typeof bind>, optimizer: tf.Optimizer, [x, y]: [tf.Tensor, tf.Tensor], { task, distill, onGradients }: FitContext): tf.Scalar | null {
  const { model, variables } = bound
  // The teacher runs before the tape opens: its targets are constants of the step's loss.
  const soft = distill && teacherTargets(distill.teacher, x)
  try {
    const objective = soft ? () => distillationLoss(y, model.forward(x, true), soft, distill) : () => batchLoss(model, task, x, y)
    return onGradients ? observedStep(optimizer, objective, variables, model, onGradients) : optimizer.minimize(objective, true, variables)
  } finally {
    tf.dispose([x, y, ...(soft ? [soft] : [])])
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/** The mean loss of an epoch's batches: tfjs's per-batch costs (averaged in float32 as tfjs does) and the engine's. */
async function epochLoss(costs: tf.Scalar[], engineLosses: number[]): Promise<number> {
  let sum = engineLosses.reduce((a, b) => a + b, 0)
  if (costs.length && !engineLosses.length) {
    const mean = tf.tidy(() => tf.mean(tf.stack(costs)))
    const value = (await mean.data())[0]
    mean.dispose()
    return value
  }
  if (costs.length) {
    const total = tf.tidy(() => tf.sum(tf.stack(costs)))
    sum += (await total.data())[0]
    total.dispose()
  }
  return sum / (costs.length + engineLosses.length)
}

/**
 * A lean training loop: the data is read to the host once, each epoch's batches are shuffled there
 * and uploaded together, the loss is read back once per epoch, and masks are re-applied after every optimizer step so pruned weights stay exactly zero.
 */
export class Trainer {
  constructor(readonly options: FitOptions) {}

  /** Trains the model in place on the split, with a fresh optimizer. */
  async fit(model: PrunableModel, split: Split, context: FitContext): Promise<FitResult> {
    const slot = new ModelSlot(model, { borrowed: true })
    try {
      return await this.fitSlot(slot, split, context, { fresh: true })
    } finally {
      slot.detach()
    }
  }

  /**
   * Trains the slot's model, continuing the slot's optimizer state for these settings (unless
   * `fresh`). A hook may put a new model in the slot: training goes on with it from the next step.
   */
  async fitSlot(slot: ModelSlot, split: Split, context: FitContext, options: { fresh?: boolean } = {}): Promise<FitResult> {
    const { epochs, batchSize, shuffle } = this.options
    const { task, rng, onProgress, afterStep, afterEpoch, signal, start, distill, onGradients } = context
    const lease = slot.optimizer(this.options.optimizer, this.options.learningRate, options)
    let bound = bind(slot.current)
    let masked = bound.masked()
    let step = start?.step ?? 0
    const host = await HostSplit.from(split)
    const losses: number[] = []
    const began = performance.now()
    // The WebAssembly engine trains what it supports; hooks that need tfjs's tape keep the tfjs path.
    const notWanted =
      this.options.engine === 'tfjs' ? 'engine: tfjs' : task !== 'multiclass' ? `the ${task} task` : distill ? 'distillation' : onGradients ? 'a strategy that watches gradients' : null
    let engineUse = 'wasm engine'
    const openEngine = (): EngineFit | null => {
      const opened = notWanted ?? EngineFit.open(bound.model, lease.optimizer, batchSize)
      if (typeof opened !== 'string') {
        engineUse = opened.label
        return opened
      }
      engineUse = `tfjs ops (${opened})`
      return null
    }
    let engine = openEngine()

    try {
      for (let epoch = start?.epoch ?? 0; epoch < epochs; epoch++) {
        const order = Int32Array.from({ length: split.size }, (_, i) => i)
        if (shuffle) rng.shuffle(order)
        const batches = host.batches(batchSize, order)
        const costs: tf.Scalar[] = []
        const engineLosses: number[] = []
        try {
          for (let b = 0; b < batches.count; b++) {
            if (engine) engineLosses.push(engine.step(batches.rows(b)))
            else {
              const cost = tfjsStep(bound, lease.optimizer, batches.take(b), context)
              if (cost) costs.push(cost)
              if (masked.length) tf.tidy(() => masked.forEach(({ variable, mask }) => variable.assign(tf.mul(variable, mask))))
            }
            step++
            if (afterStep) {
              engine?.push(lease.optimizer)
              await afterStep(step)
              if (slot.current !== bound.model) {
                bound = bind(slot.current)
                if (engine) {
                  engine.dispose()
                  engine = openEngine()
                }
              } else engine?.pull()
              masked = bound.masked() // the hook may have replaced masks
            }
            const last = b === batches.count - 1
            let loss: number | undefined
            if (last) {
              loss = await epochLoss(costs, engineLosses)
              losses.push(loss)
            }
            onProgress?.({ epoch: epoch + 1, epochs, batch: b + 1, batches: batches.count, loss })
            if (b % 16 === 15) await yieldToEventLoop()
            if (signal?.aborted) throw new RunInterruptedError(`Interrupted (${String(signal.reason ?? 'aborted')}) in epoch ${epoch + 1} of ${epochs}, after batch ${b + 1} of ${batches.count}.`)
          }
        } finally {
          tf.dispose(costs)
        }
        engine?.push(lease.optimizer)
        await afterEpoch?.(epoch + 1, step)
        engine?.pull()
      }
    } finally {
      engine?.push(lease.optimizer)
      engine?.dispose()
      lease.release()
    }
    return { losses, samples: epochs * split.size, seconds: (performance.now() - began) / 1000, engine: engineUse }
  }
}
