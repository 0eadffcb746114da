import { evaluateModel } from '../evaluate.js'
import { PruneError } from '../errors.js'
import type { MetricValue } from '../metric.js'
import type { RunContext } from '../registry.js'
import { applyStrategy } from '../sparsity-target.js'
import { allocateSparsity, type Allocation } from './allocate.js'
import { latestSensitivity } from './curves.js'
import { sliceSplit } from './probe.js'

/** What the prune step records when it allocated from sensitivity curves. */
export interface AllocationRecord extends Allocation {
  sparsity: number
  split: string | null
  /** Loss and accuracy of the pruned model on the same split as the curves, to hold the prediction to. */
  measured: { loss: number | null; accuracy: number | null }
}

const noCurves =
  'prune: allocation: sensitivity needs the curves of a sensitivity step, and none ran before this prune step. ' +
  'Add one earlier in the pipeline, e.g. `- sensitivity: { strategy: magnitude }` after training.'

/**
 * Chooses per-layer sparsities from the latest sensitivity curves that meet `sparsity` over the probed
 * layers exactly, prunes with them as per-layer overrides, and records the prediction beside the measurement.
 */
export async function pruneWithAllocation(ctx: RunContext, strategy: string, options: Record<string, unknown>, sparsity: number): Promise<AllocationRecord> {
  const curves = latestSensitivity(ctx.history)
  if (!curves) throw new PruneError(noCurves)
  const allocation = allocateSparsity(curves, sparsity)
  const overrides = { ...((options.overrides as Record<string, unknown> | undefined) ?? {}), ...Object.fromEntries(allocation.layers.map((l) => [l.name, { sparsity: l.sparsity }])) }
  const parsed = ctx.registry.strategies.get(strategy).options.safeParse({ ...options, sparsity: 0, overrides })
  if (!parsed.success) throw new PruneError(`prune: strategy "${strategy}" takes no per-layer sparsity overrides, so allocation: sensitivity cannot drive it (${parsed.error.issues[0]?.message}).`)
  const pruned = await applyStrategy(ctx, strategy, parsed.data)
  let measured: AllocationRecord['measured'] = { loss: null, accuracy: null }
  const sliced = curves.split ? sliceSplit(ctx.data, curves.split) : undefined
  if (sliced) {
    try {
      const e = await evaluateModel(pruned, sliced, ctx.data.task)
      measured = { loss: e.loss, accuracy: Number.isNaN(e.accuracy) ? null : e.accuracy }
    } finally {
      sliced.x.dispose()
      sliced.y.dispose()
    }
  }
  const record: AllocationRecord = { ...allocation, sparsity, split: curves.split, measured }
  await ctx.snapshot({ label: 'allocation', step: ctx.step.index, metrics: { allocation: record as unknown as MetricValue } })
  return record
}

/** `allocated from sensitivity: dense_1 93.2%, ...; predicted accuracy 0.9512, measured 0.9498 on train[6000:8000]`. */
export function describeAllocation(record: AllocationRecord): string {
  const layers = record.layers.map((l) => `${l.name} ${(100 * l.sparsity).toFixed(1)}%`).join(', ')
  const [p, m] = [record.predicted.accuracy, record.measured.accuracy]
  const check = p !== null && m !== null ? `; predicted accuracy ${p.toFixed(4)}, measured ${m.toFixed(4)} on ${record.split}` : ''
  return `allocated from sensitivity: ${layers}${check}`
}
