import { DataError } from './errors.js'
import { evaluateModel, type Evaluation } from './evaluate.js'
import type { MetricValue, Snapshot, SnapshotContext } from './metric.js'
import type { RunContext } from './registry.js'

export interface RecordedSnapshot {
  snapshot: Snapshot
  /** The evaluated split's loss and accuracy, when a metric asked for them. */
  evaluation?: Evaluation
}

/**
 * Measures ctx.model with the registry's metrics (the named ones, or every one that is not opt-in),
 * then records the labelled snapshot in the run's history and tells the reporters.
 */
export async function recordSnapshot(
  ctx: RunContext,
  label: string,
  metricNames?: readonly string[],
  split: 'test' | 'validation' = 'test',
): Promise<RecordedSnapshot> {
  const data = split === 'test' ? ctx.data.test : ctx.data.validation
  if (!data) {
    throw new DataError(
      `evaluate "${label}" asks for the validation split, but dataset "${ctx.data.name}" has none. Give the dataset a validation size (data.validation: 5000) or evaluate the test split.`,
    )
  }
  const named = metricNames?.map((name) => ctx.registry.metrics.get(name))
  const metrics = named ?? ctx.registry.metrics.list().map(({ item }) => item).filter((metric) => !metric.optIn)
  let evaluation: Promise<Evaluation> | undefined
  const snapshotCtx: SnapshotContext = {
    label,
    model: ctx.model,
    data: ctx.data,
    history: ctx.history,
    evaluation: () => (evaluation ??= evaluateModel(ctx.model, data, ctx.data.task)),
  }
  const values: Record<string, MetricValue> = {}
  for (const metric of metrics) values[metric.name] = await metric.compute(snapshotCtx)
  const snapshot: Snapshot = { label, step: ctx.step.index, ...(split === 'validation' ? { split } : {}), metrics: values }
  await ctx.snapshot(snapshot)
  return { snapshot, evaluation: evaluation ? await evaluation : undefined }
}

/** `label: loss 0.1234, accuracy 0.9700`, or just the label when nothing evaluated the model. */
export function describeSnapshot({ snapshot, evaluation }: RecordedSnapshot): string {
  return evaluation ? `${snapshot.label}: loss ${evaluation.loss.toFixed(4)}, accuracy ${evaluation.accuracy.toFixed(4)}` : snapshot.label
}
