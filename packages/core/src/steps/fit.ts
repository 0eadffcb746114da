import { z } from 'zod'
import { defineStep, type StepFactory } from '../step.js'
import { Trainer } from '../trainer.js'

function fitOptions(defaultEpochs: number) {
  return z
    .object({
      epochs: z.number().int().min(0).default(defaultEpochs).describe('Passes over the training split'),
      optimizer: z.enum(['sgd', 'momentum', 'adam']).optional().describe('Overrides train.optimizer'),
      learningRate: z.number().positive().optional().describe('Overrides train.learningRate'),
      batchSize: z.number().int().positive().optional().describe('Overrides train.batchSize'),
      shuffle: z.boolean().optional().describe('Overrides train.shuffle'),
      resetOptimizer: z.boolean().default(false).describe('Start from fresh optimizer state instead of continuing the run\'s'),
    })
    .strict()
}

type FitStepOptions = z.output<ReturnType<typeof fitOptions>>

function fitStep(name: string, description: string, defaultEpochs: number): StepFactory<FitStepOptions> {
  return defineStep({
    name,
    description,
    options: fitOptions(defaultEpochs),
    async run(ctx, options) {
      const { resetOptimizer, ...overrides } = options
      const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))
      const settings = { ...ctx.config.train, ...defined, epochs: options.epochs }
      const optimizer = resetOptimizer ? undefined : ctx.optimizer(settings.optimizer, settings.learningRate)
      const result = await new Trainer(settings).fit(ctx.model, ctx.data.train, { task: ctx.data.task, rng: ctx.rng, onProgress: (p) => ctx.progress(p), optimizer })
      const throughput = result.seconds > 0 ? Math.round(result.samples / result.seconds) : 0
      const last = result.losses.at(-1)
      return `${options.epochs} epoch(s), ${throughput.toLocaleString('en-US')} samples/s${last === undefined ? '' : `, final train loss ${last.toFixed(4)}`}`
    },
  })
}

export const trainStep = fitStep('train', 'Train the model (masks, if any, are enforced after every optimizer step)', 5)
export const finetuneStep = fitStep('finetune', 'Fine-tune the pruned model with pruned weights held at exactly zero', 2)
