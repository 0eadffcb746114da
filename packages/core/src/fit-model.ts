import { z } from 'zod'
import { Checkpoint } from './checkpoint.js'
import type { Rng } from './rng.js'
import { gradualPruning, type ScheduledPrune } from './scheduled-prune.js'
import type { RunContext } from './step.js'
import { Trainer, type FitResult } from './trainer.js'

/** The options of one fit: epochs, and overrides of the config's `train` defaults. */
export function fitSettingsShape(defaultEpochs: number) {
  return {
    epochs: z.number().int().min(0).default(defaultEpochs).describe('Passes over the training split'),
    optimizer: z.enum(['sgd', 'momentum', 'adam']).optional().describe('Overrides train.optimizer'),
    learningRate: z.number().positive().optional().describe('Overrides train.learningRate'),
    batchSize: z.number().int().positive().optional().describe('Overrides train.batchSize'),
    shuffle: z.boolean().optional().describe('Overrides train.shuffle'),
    resetOptimizer: z.boolean().default(false).describe('Start from fresh optimizer state instead of continuing the run\'s'),
  }
}

export function fitSettingsSchema(defaultEpochs: number) {
  return z.object(fitSettingsShape(defaultEpochs)).strict()
}

export type FitSettings = z.output<ReturnType<typeof fitSettingsSchema>>

/** The name a fit saves the weights under after epoch k (see `checkpoints` on train / finetune). */
export const epochCheckpoint = (epoch: number): string => `epoch-${epoch}`

/** Saves ctx.model under `name` in the run's checkpoints, replacing (and freeing) an earlier one. */
function saveCheckpoint(ctx: RunContext, name: string): void {
  ctx.checkpoints.get(name)?.dispose()
  ctx.checkpoints.set(name, Checkpoint.capture(ctx.model))
}

export interface FitExtras {
  /** Gradual pruning: re-run a strategy whenever the schedule's sparsity changes. */
  prune?: ScheduledPrune
  /** Epochs (1-based) after which the weights are saved as `epoch-k` in ctx.checkpoints. */
  checkpoints?: readonly number[]
  /** Shuffles with this generator instead of the run's. */
  rng?: Rng
  /** Fresh optimizer state even if settings.resetOptimizer is false. */
  freshOptimizer?: boolean
}

export interface FitOutcome extends FitResult {
  /** Times a scheduled strategy ran, and the sparsity it last ran at. */
  prunes: number
  sparsity: number
}

/**
 * Trains ctx.model with the config's train defaults overridden by `settings`, continuing the run's
 * optimizer unless told otherwise; with `prune`, prunes gradually as it trains. Updates ctx.model.
 */
export async function fitModel(ctx: RunContext, settings: FitSettings, extras: FitExtras = {}): Promise<FitOutcome> {
  const { resetOptimizer, ...overrides } = settings
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))
  const options = { ...ctx.config.train, ...defined, epochs: settings.epochs }
  const pruning = extras.prune ? gradualPruning(ctx, extras.prune) : undefined
  await pruning?.at(0) // a schedule may start before the first step
  const fresh = resetOptimizer || extras.freshOptimizer
  const optimizer = fresh ? undefined : ctx.optimizer(options.optimizer, options.learningRate)
  const saveAt = new Set(extras.checkpoints ?? [])
  const result = await new Trainer(options).fit(ctx.model, ctx.data.train, {
    task: ctx.data.task,
    rng: extras.rng ?? ctx.rng,
    onProgress: (p) => ctx.progress(p),
    optimizer,
    afterStep: pruning ? (step) => pruning.at(step) : undefined,
    afterEpoch: (epoch) => {
      if (saveAt.has(epoch)) saveCheckpoint(ctx, epochCheckpoint(epoch))
    },
  })
  ctx.model = result.model
  return { ...result, prunes: pruning?.prunes ?? 0, sparsity: pruning?.sparsity ?? 0 }
}

/** One line for reporters: epochs, throughput, final train loss, and what gradual pruning did. */
export function describeFit(settings: FitSettings, outcome: FitOutcome, prune?: ScheduledPrune): string {
  const throughput = outcome.seconds > 0 ? Math.round(outcome.samples / outcome.seconds) : 0
  const last = outcome.losses.at(-1)
  const loss = last === undefined ? '' : `, final train loss ${last.toFixed(4)}`
  const pruned = prune ? `; ${prune.strategy} on a ${prune.schedule.name} schedule: ${outcome.prunes} prune(s), now at ${(outcome.sparsity * 100).toFixed(2)}% sparsity` : ''
  return `${settings.epochs} epoch(s), ${throughput.toLocaleString('en-US')} samples/s${loss}${pruned}`
}
