import { z } from 'zod'
import { describeSnapshot, recordSnapshot } from '../snapshot.js'
import { defineStep } from '../step.js'

export const evaluateOptions = z
  .object({
    label: z.string().min(1).optional().describe('Snapshot label (baseline, pruned, finetuned ...); default: evaluation-N'),
    split: z
      .enum(['test', 'validation'])
      .default('test')
      .describe('The split to measure: test, or validation (rows held out of train, for choices that must not see the test split)'),
    metrics: z.array(z.string()).optional().describe('Metrics to compute (default: every registered metric except opt-in ones such as latency)'),
  })
  .strict()

export const evaluateStep = defineStep({
  name: 'evaluate',
  description: 'Measure the model on the test (or validation) split and record a labelled snapshot for the reports',
  options: evaluateOptions,
  run: async (ctx, { label, metrics, split }) => describeSnapshot(await recordSnapshot(ctx, label ?? `evaluation-${ctx.history.length + 1}`, metrics, split)),
})
