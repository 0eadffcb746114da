import { type MetricName, type OptionsInput, type Registry, type ScheduleInput, type SparsityTargetInput } from '@prunekit/core'
import { checkRegistered, epochCheckpoint, fitSettingsSchema, resolveScheduleRef, resolveSparsityTarget, scheduleInput, type FitSettings, type ScheduleRef, type SparsityTarget } from '@prunekit/core/internal'
import { z } from 'zod'

/** What each round starts its training from. */
export type Rewind = 'none' | 'init' | { epoch: number }

export interface IterateOptions {
  rounds: number
  /** The strategy, run once per round at that round's sparsity. */
  target: SparsityTarget
  /** Sparsity of round 1, 2, ... (from the schedule, evaluated at the round number, or the list). */
  sparsities: number[]
  finetune: FitSettings
  rewind: Rewind
  control: 'none' | 'reinit'
  label: string
  metrics?: string[]
}

/** `iterate`'s options as written (from the parts of its run-time schema, which depends on the registry). */
export interface IterateOptionsInput {
  rounds: number
  /** The strategy and its options, with a schedule (evaluated at the round number) or one sparsity per round. */
  prune: SparsityTargetInput<{ schedule?: ScheduleInput; sparsity?: number[] }>
  finetune?: OptionsInput<ReturnType<typeof fitSettingsSchema>>
  rewind?: z.input<typeof rewindInput>
  control?: IterateOptions['control']
  label?: string
  metrics?: MetricName[]
}

// Importing this package types the iterate step in defineConfig() (see PrunekitSteps in core).
declare module '@prunekit/core' {
  interface PrunekitSteps {
    iterate: IterateOptionsInput
  }
}

/** The checkpoint a rewind restores: `init`, `epoch-k`, or none. */
export function rewindCheckpoint(rewind: Rewind): string | undefined {
  if (rewind === 'none') return undefined
  return rewind === 'init' ? 'init' : epochCheckpoint(rewind.epoch)
}

/** The per-round prune, checked on its own (so its problems show even when other options have some). */
interface RoundPrune {
  target: SparsityTarget
  sparsity?: number[]
  schedule?: ScheduleRef
}

function pruneOptions(registry: Registry): z.ZodType<RoundPrune> {
  return z
    .object({
      strategy: z.string().default('magnitude').describe('Name of a registered pruning strategy'),
      schedule: scheduleInput.optional().describe('The sparsity of round r is schedule(r), r = 1..rounds; give this or sparsity'),
      sparsity: z.array(z.number().min(0).max(1)).min(1).optional().describe('Or the sparsity of each round, one value per round'),
    })
    .catchall(z.unknown())
    .describe('The strategy to run each round, with a schedule or a per-round sparsity list, and its own options (scope, include ...)')
    .transform((value, ctx) => {
      const { schedule: input, sparsity, ...strategy } = value
      const target = resolveSparsityTarget(registry, strategy, ctx, [])
      if ((input === undefined) === (sparsity === undefined)) {
        ctx.addIssue({ code: 'custom', path: [], message: 'give either schedule (e.g. { name: geometric, rate: 0.5 }) or sparsity (one value per round), not both' })
        return z.NEVER
      }
      const schedule = input === undefined ? undefined : resolveScheduleRef(registry, input, ctx, ['schedule'])
      return target && (schedule || sparsity) ? { target, sparsity, schedule } : z.NEVER
    })
}

export const rewindInput = z
  .union([z.enum(['none', 'init']), z.object({ epoch: z.number().int().min(1).describe('An epoch a train step saved with checkpoints: [k]') }).strict()], {
    error: () => 'expected none, init or { epoch: k }',
  })
  .default('none')
  .describe('Before each round\'s training: none (classic iterative pruning), init (lottery ticket) or { epoch: k } (late rewinding)')

/** Each round's sparsities, checked: within 0..1, never falling (masks only grow). */
function roundSparsities(values: number[], ctx: z.RefinementCtx): number[] | undefined {
  const bad = values.findIndex((s, i) => !(s >= 0 && s <= 1) || (i > 0 && s < values[i - 1]))
  if (bad < 0) return values
  const s = values[bad]
  const why = s >= 0 && s <= 1 ? `is below round ${bad}'s ${values[bad - 1]}: masks only grow, so sparsities must not fall` : 'is outside 0..1'
  ctx.addIssue({ code: 'custom', path: ['prune'], message: `round ${bad + 1}'s sparsity ${s} ${why}` })
  return undefined
}

export function iterateOptions(registry: Registry): z.ZodType<IterateOptions> {
  return z
    .object({
      rounds: z.number().int().min(1).describe('Prune-retrain rounds'),
      prune: pruneOptions(registry),
      finetune: fitSettingsSchema(2).default({ epochs: 2, resetOptimizer: false }).describe('Each round\'s training, with the options of the finetune step'),
      rewind: rewindInput,
      control: z
        .enum(['none', 'reinit'])
        .default('none')
        .describe('reinit: also train each round\'s mask from a fresh random initialisation (Frankle & Carbin\'s control), as <label>-N-reinit'),
      label: z.string().min(1).default('round').describe('Snapshots are labelled <label>-1, <label>-2 ...'),
      metrics: z
        .array(z.string())
        .optional()
        .describe('Metrics of each round\'s snapshot (default: every registered metric)')
        .superRefine((names, ctx) => names?.forEach((name, i) => checkRegistered(registry.metrics, name, ctx, [i]))),
    })
    .strict()
    .transform((value, ctx): IterateOptions => {
      const { rounds, prune } = value
      let sparsities = prune.sparsity
      if (sparsities && sparsities.length !== rounds) {
        ctx.addIssue({ code: 'custom', path: ['prune', 'sparsity'], message: `gives ${sparsities.length} values for ${rounds} rounds: give one per round` })
        return z.NEVER
      }
      if (prune.schedule) {
        const at = registry.schedules.get(prune.schedule.name).create(prune.schedule.options)
        sparsities = Array.from({ length: rounds }, (_, r) => at(r + 1))
      }
      const checked = roundSparsities(sparsities!, ctx)
      if (!checked) return z.NEVER
      const { finetune, rewind, control, label, metrics } = value
      return { rounds, target: prune.target, sparsities: checked, finetune, rewind, control, label, metrics }
    })
}
