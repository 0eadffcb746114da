import * as tf from '@tensorflow/tfjs-core'
import { z } from 'zod'
import { fileModelName, fileModelSchema } from './config.js'
import { DataError, PruneError } from './errors.js'
import { logProbabilities, type DistillWeights } from './loss.js'
import { PrunableModel } from './model.js'
import type { RunContext } from './registry.js'
import { createRng } from './rng.js'

/** `distill: { teacher, temperature, alpha }` on train and finetune (defaults as SparseML's). */
export const distillSchema = z
  .object({
    teacher: z
      .union([z.string().min(1), fileModelSchema])
      .describe('The teacher: a checkpoint name (e.g. one saved by a checkpoint step before pruning, or init) or { path: model.json } (relative to the config file)'),
    temperature: z.number().positive().default(2).describe('T: both distributions are softened as softmax(logits / T)'),
    alpha: z.number().min(0).max(1).default(0.5).describe("The teacher's share of the loss: (1 - alpha) * cross-entropy + alpha * T^2 * KL(teacher || student)"),
  })
  .strict()

export type DistillOptions = z.output<typeof distillSchema>

/** A frozen teacher and the loss weights: what the trainer needs to distill. */
export interface Distillation extends DistillWeights {
  teacher: PrunableModel
}

/**
 * The teacher's log-probabilities for a batch, computed in inference mode and outside any gradient
 * tape: no second training graph, no teacher gradients. A batch of the same number of features in
 * another shape (784 against [28, 28, 1]) is reshaped to the teacher's input.
 */
export function teacherTargets(teacher: PrunableModel, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shape = teacher.model.inputs[0].shape.slice(1).map((d) => d ?? -1)
    const input = shape.join() === x.shape.slice(1).join() ? x : tf.reshape(x, [x.shape[0], ...shape])
    return logProbabilities(teacher.forward(input, false))
  })
}

/** Builds the teacher a fit distills from; the caller disposes it. */
export async function loadTeacher(ctx: RunContext, options: DistillOptions): Promise<Distillation> {
  const { teacher, temperature, alpha } = options
  if (ctx.data.task !== 'multiclass') {
    throw new PruneError(`distill needs a multiclass task (a softmax over classes); dataset "${ctx.data.name}" is ${ctx.data.task}. Remove distill from this step.`)
  }
  const model = typeof teacher === 'string' ? await ctx.slot.checkpoints.model(teacher) : await loadFile(ctx, teacher)
  const classes = model.model.outputs[model.output].shape.at(-1)
  if (classes !== ctx.data.numClasses) {
    model.dispose()
    throw new DataError(`The distillation teacher ${describeTeacher(teacher)} predicts ${classes} classes; dataset "${ctx.data.name}" has ${ctx.data.numClasses}. Use a teacher trained on this dataset.`)
  }
  return { teacher: model, temperature, alpha }
}

async function loadFile(ctx: RunContext, options: z.output<typeof fileModelSchema>): Promise<PrunableModel> {
  const { data } = ctx
  const context = { inputShape: data.featureShape, numClasses: data.numClasses, task: data.task, rng: createRng(ctx.config.seed) }
  const built = await ctx.registry.models.get(fileModelName).build(options, context)
  return built instanceof PrunableModel ? built : new PrunableModel(built)
}

export const describeTeacher = (teacher: DistillOptions['teacher']): string => (typeof teacher === 'string' ? `checkpoint "${teacher}"` : teacher.path)
