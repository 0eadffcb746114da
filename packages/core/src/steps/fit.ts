import { z } from 'zod'
import { describeTeacher, distillSchema, loadTeacher, type DistillOptions } from '../distill.js'
import { describeFit, fitModel, fitSettingsShape, type FitSettings } from '../fit-model.js'
import { toJson } from '../json-schema.js'
import type { Registry } from '../registry.js'
import { scheduledPruneJsonSchema, scheduledPruneSchema, type ScheduledPrune } from '../scheduled-prune.js'
import type { StepFactory } from '../registry.js'
import { defineStep } from '../step.js'

export interface FitStepOptions extends FitSettings {
  prune?: ScheduledPrune
  checkpoints: number[]
  distill?: DistillOptions
}

function checkableEpochs(value: unknown): boolean {
  const { epochs, checkpoints } = (value ?? {}) as { epochs?: unknown; checkpoints?: unknown }
  return Number.isInteger(epochs) && Array.isArray(checkpoints) && checkpoints.every(Number.isInteger)
}

function fitOptions(defaultEpochs: number) {
  return (registry: Registry): z.ZodType<FitStepOptions> =>
    z
      .object({
        ...fitSettingsShape(defaultEpochs),
        checkpoints: z
          .array(z.number().int().min(1))
          .default([])
          .describe('Save the weights after these epochs (1-based) as rewind points, e.g. for iterate\'s rewind: { epoch: k }'),
        prune: scheduledPruneSchema(registry)
          .optional()
          .describe('Prune gradually while training: { strategy, schedule, ...strategy options }; the strategy re-runs whenever the scheduled sparsity changes'),
        distill: distillSchema
          .optional()
          .describe("Knowledge distillation: also learn the teacher's softened predictions, (1 - alpha) * CE + alpha * T^2 * KL(teacher / T || student / T)"),
      })
      .strict()
      .superRefine(
        (value, ctx) => {
          value.checkpoints.forEach((epoch, i) => {
            if (epoch > value.epochs) ctx.addIssue({ code: 'custom', path: ['checkpoints', i], message: `epoch ${epoch} is past the last epoch (${value.epochs})` })
          })
        },
        // Also when `prune` has problems: every issue at once.
        { when: ({ value }) => checkableEpochs(value) },
      )
}

function fitStep(name: string, description: string, defaultEpochs: number): StepFactory<FitStepOptions> {
  const options = fitOptions(defaultEpochs)
  return defineStep({
    name,
    description,
    options,
    jsonSchema(registry) {
      const json = toJson(options(registry))
      ;(json.properties as Record<string, unknown>).prune = scheduledPruneJsonSchema(registry)
      return json
    },
    async run(ctx, { prune, checkpoints, distill, ...settings }) {
      const distillation = distill && (await loadTeacher(ctx, distill))
      try {
        const outcome = await fitModel(ctx, settings, { prune, checkpoints, resume: ctx.resumableFit, distill: distillation })
        const teacher = distill ? `; distilled from ${describeTeacher(distill.teacher)} (T ${distill.temperature}, alpha ${distill.alpha})` : ''
        return describeFit(settings, outcome, prune) + teacher
      } finally {
        distillation?.teacher.dispose()
      }
    },
  })
}

export const trainStep = fitStep('train', 'Train the model (masks, if any, are enforced after every optimizer step)', 5)
export const finetuneStep = fitStep('finetune', 'Fine-tune the pruned model with pruned weights held at exactly zero', 2)
