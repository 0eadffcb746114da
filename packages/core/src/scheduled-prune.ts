import { z } from 'zod'
import { taggedUnion, type JsonSchema } from './json-schema.js'
import type { Registry } from './registry.js'
import { createSchedule, resolveScheduleRef, scheduleInput, scheduleJsonSchema, type ScheduleRef } from './schedule-ref.js'
import { pruneToSparsity, resolveSparsityTarget, type SparsityTarget } from './sparsity-target.js'
import type { RunContext } from './registry.js'

/** Gradual pruning while training: a strategy re-run at the sparsity a schedule gives. */
export interface ScheduledPrune extends SparsityTarget {
  schedule: ScheduleRef
}

/** `{ strategy: magnitude, schedule: { name: polynomial, ... }, ...strategy options }` on train and finetune. */
export function scheduledPruneSchema(registry: Registry): z.ZodType<ScheduledPrune> {
  return z
    .object({
      strategy: z.string().default('magnitude').describe('Name of a registered pruning strategy'),
      schedule: scheduleInput,
    })
    .catchall(z.unknown())
    .transform((value, ctx) => {
      const { schedule, ...strategy } = value
      const ref = resolveScheduleRef(registry, schedule, ctx, ['schedule'])
      const target = resolveSparsityTarget(registry, strategy, ctx, [])
      return ref && target ? { ...target, schedule: ref } : z.NEVER
    })
}

/** JSON Schema: one entry per strategy, its options without sparsity / threshold, plus `schedule`. */
export function scheduledPruneJsonSchema(registry: Registry): JsonSchema {
  const schedule = scheduleJsonSchema(registry)
  const entries = taggedUnion('strategy', registry.strategies.list().map(({ item }) => item)).anyOf as JsonSchema[]
  return {
    description: 'Gradual pruning while training: the strategy is re-run whenever the schedule\'s sparsity changes',
    anyOf: entries.map((entry) => {
      const { sparsity: _s, threshold: _t, ...properties } = entry.properties as Record<string, JsonSchema>
      const required = ((entry.required as string[]) ?? []).filter((k) => k !== 'sparsity' && k !== 'threshold')
      return { ...entry, properties: { ...properties, schedule }, required: [...required, 'schedule'] }
    }),
  }
}

/** What gradual pruning did during one fit. */
export interface GradualPruning {
  /** Re-runs the strategy when the scheduled sparsity at `step` differs from the last (a new model goes into the run's slot). */
  at(step: number): Promise<void>
  /** How many times the strategy ran. */
  readonly prunes: number
  /** The last sparsity the strategy was run at (0 before the first). */
  readonly sparsity: number
}

/** Drives a scheduled prune over the optimizer steps of one fit (going on from `from` in a resumed fit). */
export function gradualPruning(ctx: RunContext, prune: ScheduledPrune, from: { prunes: number; sparsity: number } = { prunes: 0, sparsity: 0 }): GradualPruning {
  const schedule = createSchedule(ctx.registry, prune.schedule)
  let { prunes, sparsity } = from
  return {
    get prunes() {
      return prunes
    },
    get sparsity() {
      return sparsity
    },
    async at(step) {
      const target = schedule(step)
      if (target === sparsity) return
      sparsity = target
      prunes++
      await pruneToSparsity(ctx, prune, target)
    },
  }
}
