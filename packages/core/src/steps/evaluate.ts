import { z } from 'zod'
import { evaluateModel, type Evaluation } from '../evaluate.js'
import type { MetricValue, Snapshot, SnapshotContext } from '../metric.js'
import { defineStep } from '../step.js'

export const evaluateStep = defineStep({
  name: 'evaluate',
  description: 'Measure the model on the test split and record a labelled snapshot for the reports',
  options: z
    .object({
      label: z.string().min(1).optional().describe('Snapshot label (baseline, pruned, finetuned ...); default: evaluation-N'),
      metrics: z.array(z.string()).optional().describe('Metrics to compute (default: every registered metric)'),
    })
    .strict(),
  async run(ctx, options) {
    const names = options.metrics ?? ctx.registry.metrics.names()
    const metrics = names.map((name) => ctx.registry.metrics.get(name))
    let evaluation: Promise<Evaluation> | undefined
    const label = options.label ?? `evaluation-${ctx.history.length + 1}`
    const snapshotCtx: SnapshotContext = {
      label,
      model: ctx.model,
      data: ctx.data,
      history: ctx.history,
      evaluation: () => (evaluation ??= evaluateModel(ctx.model, ctx.data.test, ctx.data.task)),
    }
    const values: Record<string, MetricValue> = {}
    for (const metric of metrics) values[metric.name] = await metric.compute(snapshotCtx)
    const snapshot: Snapshot = { label, step: ctx.step.index, metrics: values }
    await ctx.snapshot(snapshot)
    const e = evaluation ? await evaluation : undefined
    return e ? `${label}: loss ${e.loss.toFixed(4)}, accuracy ${e.accuracy.toFixed(4)}` : label
  },
})
