import { defineStep, MaskSet, PrunableModel, type Lineage } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { foldBatchNorm } from './fold-batchnorm.js'
import { planFolds, type FoldPlan } from './fold-plan.js'
import { describeModel } from './graph.js'

export const foldBatchNormOptions = z
  .object({
    activations: z.boolean().default(true).describe('Also fuse a following Activation layer into the layer'),
  })
  .strict()

export type FoldBatchNormOptions = z.output<typeof foldBatchNormOptions>

/**
 * The masks (and lineage) of the weights the folded model still has, with their shapes. A folded
 * layer's bias mask goes: its bias now holds the BatchNorm's shift, which nothing pruned.
 */
function carryOver(model: PrunableModel, folded: tfl.LayersModel, plan: FoldPlan): PrunableModel {
  const masks = new MaskSet()
  try {
    const shapes = new Map(new PrunableModel(folded).weights().map((ref) => [ref.key, ref.shape.join()]))
    const foldedBiases = new Set(plan.folded.map((f) => `${f.producer}/bias`))
    for (const key of model.masks.keys()) {
      const mask = model.masks.get(key)!
      if (shapes.get(key) === mask.shape.join() && !foldedBiases.has(key)) masks.set(key, tf.clone(mask))
    }
    const lineage: Lineage = new Map([...model.lineage].filter(([key]) => shapes.has(key)))
    const result = new PrunableModel(folded, { masks, output: model.output, lineage })
    result.applyMasks()
    return result
  } catch (error) {
    masks.dispose()
    folded.dispose()
    throw error
  }
}

const listed = (pairs: Array<[string, string]>): string => pairs.map(([from, into]) => `${from} into ${into}`).join(', ')

/** Folds BatchNorms (and activation layers) into the layer before them, for the model as deployed. */
export const foldBatchNormStep = defineStep<FoldBatchNormOptions>({
  name: 'fold-batchnorm',
  description:
    'For inference/deploy: fold each BatchNormalization (and a following Activation layer) into the Dense or Conv before it; ' +
    'the same predictions with fewer layers. Training after it trains a model without BatchNorm',
  options: foldBatchNormOptions,
  async run(ctx, options) {
    const before = ctx.model.model.layers.length
    const planned = planFolds(describeModel(ctx.model.model), options)
    if (planned.folded.length + planned.fused.length === 0) {
      return `nothing to fold: no BatchNormalization${options.activations ? ' or activation layer' : ''} directly follows a linear Dense or Conv that only it reads; model unchanged`
    }
    const { model: folded, ...plan } = await foldBatchNorm(ctx.model.model, options)
    const kept = ctx.slot.checkpoints.names()
    // Saved weights from before the fold would not compute the same function in the folded layers: the slot refuses to rewind into it.
    ctx.slot.replace(carryOver(ctx.model, folded, plan), { rewrittenBy: 'fold-batchnorm' })
    const norms = `folded ${plan.folded.length} BatchNorm(s)${plan.folded.length ? ` (${listed(plan.folded.map((f) => [f.norm, f.producer]))})` : ''}`
    const activations = options.activations ? `, fused ${plan.fused.length} activation(s)${plan.fused.length ? ` (${listed(plan.fused.map((f) => [f.activation, f.producer]))})` : ''}` : ''
    const rewind = `; checkpoints ${kept.join(', ')} restore the unfolded model as saved, and cannot be rewound into the folded one`
    return `${norms}${activations}; ${before} -> ${folded.layers.length} layers${rewind}`
  },
})
