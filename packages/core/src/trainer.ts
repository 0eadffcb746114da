import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import type { Split, Task } from './data.js'
import { taskLoss } from './loss.js'
import type { PrunableModel } from './model.js'
import type { Rng } from './rng.js'

/** Defaults for every train / finetune step; each step may override any of them. */
export const trainDefaultsSchema = z
  .object({
    optimizer: z.enum(['sgd', 'momentum', 'adam']).default('adam').describe('Optimizer: sgd, momentum (0.9) or adam'),
    learningRate: z.number().positive().default(0.001).describe('Learning rate'),
    batchSize: z.number().int().positive().default(64).describe('Samples per optimizer step'),
    shuffle: z.boolean().default(true).describe('Shuffle the training split every epoch (seeded)'),
  })
  .strict()

export type TrainDefaults = z.output<typeof trainDefaultsSchema>

export interface FitOptions extends TrainDefaults {
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

export interface FitResult {
  /** Mean training loss of each epoch. */
  losses: number[]
  samples: number
  seconds: number
}

function createOptimizer(name: TrainDefaults['optimizer'], learningRate: number): tf.Optimizer {
  if (name === 'sgd') return tf.train.sgd(learningRate)
  if (name === 'momentum') return tf.train.momentum(learningRate, 0.9)
  return tf.train.adam(learningRate)
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * A lean training loop: one gather per epoch prepares every batch, the loss is read back once per
 * epoch, and masks are re-applied after every optimizer step so pruned weights stay exactly zero.
 */
export class Trainer {
  constructor(readonly options: FitOptions) {}

  async fit(model: PrunableModel, split: Split, task: Task, rng: Rng, onProgress?: (p: TrainProgress) => void): Promise<FitResult> {
    const { epochs, batchSize, shuffle } = this.options
    const optimizer = createOptimizer(this.options.optimizer, this.options.learningRate)
    const refs = model.weights()
    const variables = refs.map((r) => r.variable.read() as tf.Variable)
    const masked = refs.flatMap((r, i) => {
      const mask = model.masks.get(r.key)
      return mask ? [{ variable: variables[i], mask }] : []
    })
    const sizes: number[] = []
    for (let start = 0; start < split.size; start += batchSize) sizes.push(Math.min(batchSize, split.size - start))
    const losses: number[] = []
    const began = performance.now()

    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = Int32Array.from({ length: split.size }, (_, i) => i)
        if (shuffle) rng.shuffle(order)
        const [xs, ys] = tf.tidy(() => {
          const index = tf.tensor1d(order, 'int32')
          return [tf.split(tf.gather(split.x, index), sizes), tf.split(tf.gather(split.y, index), sizes)]
        })
        const costs: tf.Scalar[] = []
        for (let b = 0; b < sizes.length; b++) {
          const cost = optimizer.minimize(() => taskLoss(task, ys[b], model.forward(xs[b], true)), true, variables)
          if (cost) costs.push(cost)
          if (masked.length) tf.tidy(() => masked.forEach(({ variable, mask }) => variable.assign(tf.mul(variable, mask))))
          const last = b === sizes.length - 1
          let loss: number | undefined
          if (last) {
            const mean = tf.tidy(() => tf.mean(tf.stack(costs)))
            loss = (await mean.data())[0]
            mean.dispose()
            losses.push(loss)
          }
          onProgress?.({ epoch: epoch + 1, epochs, batch: b + 1, batches: sizes.length, loss })
          if (b % 16 === 15) await yieldToEventLoop()
        }
        tf.dispose([...xs, ...ys, ...costs])
      }
    } finally {
      optimizer.dispose()
    }
    return { losses, samples: epochs * split.size, seconds: (performance.now() - began) / 1000 }
  }
}
