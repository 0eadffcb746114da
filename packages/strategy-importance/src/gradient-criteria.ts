import { scoreStrategy, weightGradients, type Dataset, type PrunableModel, type PruneContext, type PruningStrategy, type SelectionOptions, type WeightRef } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { leadingBatches, readAll, requireData } from './data.js'

/**
 * The mean over batches of `statistic(gradient)` for every ref, on the device: the gradients come from
 * core's weightGradients, the loss the trainer minimises. The caller disposes the result.
 */
function meanOverBatches(model: PrunableModel, refs: WeightRef[], data: Dataset, batches: Array<[tf.Tensor, tf.Tensor]>, statistic: (g: tf.Tensor) => tf.Tensor): tf.Tensor[] {
  let sums = refs.map((ref) => tf.zeros(ref.shape))
  for (const [x, y] of batches) {
    const next = tf.tidy(() => {
      const { gradients } = weightGradients(model, data.task, x, y)
      return refs.map((ref, i) => tf.add(sums[i], statistic(gradients.get(ref.key) ?? tf.zerosLike(sums[i]))))
    })
    tf.dispose(sums)
    sums = next
  }
  const means = tf.tidy(() => sums.map((s) => tf.div(s, Math.max(1, batches.length))))
  tf.dispose(sums)
  return means
}

/** Scores from the weights and a per-weight statistic of their gradients, read to the host. */
async function scoreWith(refs: WeightRef[], means: tf.Tensor[], score: (w: tf.Tensor, m: tf.Tensor) => tf.Tensor): Promise<Float32Array[]> {
  const scores = tf.tidy(() => refs.map((ref, i) => score(ref.variable.read(), means[i])))
  tf.dispose(means)
  return readAll(scores)
}

const batchOptions = (batches: number, why: string) => ({
  batches: z.number().int().positive().default(batches).describe(`Batches of the training split (its first rows) whose gradients are averaged: ${why}`),
  batchSize: z.number().int().positive().default(64).describe('Rows per batch'),
})

/** taylor's own options, besides core's selection. */
export const taylorOptions = batchOptions(10, 'about 10 (Molchanov et al.)')
/** snip's own options: taylor's, with one batch by default. */
export const snipOptions = batchOptions(1, 'one or a few, before training (Lee et al.)')
/** fisher's own options, besides core's selection. */
export const fisherOptions = {
  samples: z.number().int().positive().default(256).describe('Samples of the training split (its first rows), each its own gradient: a few hundred'),
}

/** taylor's and snip's validated options. */
export type TaylorOptions = SelectionOptions & z.output<z.ZodObject<typeof taylorOptions>>
/** fisher's validated options. */
export type FisherOptions = SelectionOptions & z.output<z.ZodObject<typeof fisherOptions>>

/** |w · mean(∂L/∂w)| over `batches` batches. */
async function firstOrder(name: string, model: PrunableModel, refs: WeightRef[], ctx: PruneContext, options: TaylorOptions): Promise<Float32Array[]> {
  const data = requireData(ctx, name)
  const batches = leadingBatches(data, options.batches * options.batchSize, options.batchSize)
  try {
    const means = meanOverBatches(model, refs, data, batches, (g) => g)
    return await scoreWith(refs, means, (w, g) => tf.abs(tf.mul(w, g)))
  } finally {
    tf.dispose(batches.flat())
  }
}

/** Taylor, first order (Molchanov et al. 2019): |w · ∂L/∂w|, the gradient averaged over about 10 batches. */
export const taylor: PruningStrategy<TaylorOptions> = scoreStrategy({
  name: 'taylor',
  description: 'Importance: |w · ∂L/∂w| (first-order Taylor, Molchanov et al. 2019), gradients averaged over `batches` batches of the training split',
  options: taylorOptions,
  scoreAll: (model, refs, ctx, options) => firstOrder('taylor', model, refs, ctx, options),
})

/** SNIP (Lee et al. 2019): |w · ∂L/∂w| from one or a few batches, meant before training (a prune step before any train is valid). */
export const snip: PruningStrategy<TaylorOptions> = scoreStrategy({
  name: 'snip',
  description: 'Importance: |w · ∂L/∂w| on one or a few batches at initialisation, global top-k (SNIP, Lee et al. 2019); valid before any train step',
  options: snipOptions,
  scoreAll: (model, refs, ctx, options) => firstOrder('snip', model, refs, ctx, options),
})

/** Fisher / OBD (LeCun et al. 1990): w² · mean(g²) over per-sample gradients. */
export const fisher: PruningStrategy<FisherOptions> = scoreStrategy({
  name: 'fisher',
  description: 'Importance: w² · mean(g²) over per-sample gradients (the diagonal Fisher as OBD\'s Hessian, LeCun et al. 1990) of `samples` training samples',
  options: fisherOptions,
  async scoreAll(model, refs, ctx, options) {
    const data = requireData(ctx, 'fisher')
    const samples = leadingBatches(data, options.samples, 1)
    try {
      const means = meanOverBatches(model, refs, data, samples, (g) => tf.square(g))
      return await scoreWith(refs, means, (w, g2) => tf.mul(tf.square(w), g2))
    } finally {
      tf.dispose(samples.flat())
    }
  },
})
