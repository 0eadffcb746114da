import { z } from 'zod'
import type { Distillation } from './distill.js'
import { optimizerNames } from './optimizers.js'
import type { Rng } from './rng.js'
import type * as tf from '@tensorflow/tfjs-core'
import type { PrunableModel } from './model.js'
import type { ResumableFit } from './run-state.js'
import { gradualPruning, type GradualPruning, type ScheduledPrune } from './scheduled-prune.js'
import type { GradientWatch } from './strategy.js'
import type { RunContext } from './registry.js'
import { Trainer, type FitResult, type TrainProgress } from './trainer.js'

/** The options of one fit: epochs, and overrides of the config's `train` defaults. */
export function fitSettingsShape(defaultEpochs: number) {
  return {
    epochs: z.number().int().min(0).default(defaultEpochs).describe('Passes over the training split'),
    optimizer: z.enum(optimizerNames).optional().describe('Overrides train.optimizer'),
    learningRate: z.number().positive().optional().describe('Overrides train.learningRate'),
    batchSize: z.number().int().positive().optional().describe('Overrides train.batchSize'),
    shuffle: z.boolean().optional().describe('Overrides train.shuffle'),
    engine: z.enum(['auto', 'tfjs']).optional().describe('Overrides train.engine'),
    resetOptimizer: z.boolean().default(false).describe('Start from fresh optimizer state instead of continuing the run\'s'),
  }
}

export function fitSettingsSchema(defaultEpochs: number) {
  return z.object(fitSettingsShape(defaultEpochs)).strict()
}

export type FitSettings = z.output<ReturnType<typeof fitSettingsSchema>>

/** The name a fit saves the weights under after epoch k (see `checkpoints` on train / finetune). */
export const epochCheckpoint = (epoch: number): string => `epoch-${epoch}`

export interface FitExtras {
  /** Gradual pruning: re-run a strategy whenever the schedule's sparsity changes. */
  prune?: ScheduledPrune
  /** Epochs (1-based) after which the weights are saved as `epoch-k` in the run's checkpoints. */
  checkpoints?: readonly number[]
  /** Shuffles with this generator instead of the run's. */
  rng?: Rng
  /** Fresh optimizer state even if settings.resetOptimizer is false. */
  freshOptimizer?: boolean
  /** Saves and resumes at epoch ends (core's train and finetune steps pass the run's {@link RunContext.resumableFit}). */
  resume?: ResumableFit
  /** Distill from this teacher (the caller owns and disposes it). */
  distill?: Distillation
}

export interface FitOutcome extends FitResult {
  /** Times a scheduled strategy ran, and the sparsity it last ran at. */
  prunes: number
  sparsity: number
}

/**
 * Trains the run's model with the config's train defaults overridden by `settings`, continuing the
 * run's optimizer state unless told otherwise; with `prune`, prunes gradually as it trains (a
 * structured strategy puts each smaller model in the slot, and training goes on with it).
 */
export async function fitModel(ctx: RunContext, settings: FitSettings, extras: FitExtras = {}): Promise<FitOutcome> {
  const pruning = extras.prune ? gradualPruning(ctx, extras.prune, extras.resume?.start) : undefined
  // A strategy that learns from training (movement) watches this fit's gradients.
  const watch = extras.prune ? ctx.registry.strategies.get(extras.prune.strategy).watch?.() : undefined
  // What a watch has accumulated is not part of the run's state, so such a fit saves no state at its
  // epoch ends: an interrupted run resumes from the step's start and ends with the same numbers.
  const resume = watch && extras.resume ? { epochEnd: async () => {} } : extras.resume
  try {
    return await fitWith(ctx, settings, { ...extras, resume }, pruning, watch)
  } finally {
    watch?.close()
  }
}

async function fitWith(ctx: RunContext, settings: FitSettings, extras: FitExtras, pruning: GradualPruning | undefined, watch: GradientWatch | undefined): Promise<FitOutcome> {
  const { resetOptimizer, ...overrides } = settings
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined))
  const options = { ...ctx.config.train, ...defined, epochs: settings.epochs }
  const start = extras.resume?.start
  if (!start) await pruning?.at(0) // a schedule may start before the first step
  const fresh = resetOptimizer || extras.freshOptimizer
  const saveAt = new Set(extras.checkpoints ?? [])
  const fit = {
    task: ctx.data.task,
    rng: extras.rng ?? ctx.rng,
    onProgress: (p: TrainProgress) => ctx.progress(p),
    afterStep: pruning ? (step: number) => pruning.at(step) : undefined,
    onGradients: watch ? (gradients: ReadonlyMap<string, tf.Tensor>, model: PrunableModel) => watch.step(gradients, model) : undefined,
    afterEpoch: async (epoch: number, step: number) => {
      if (saveAt.has(epoch)) ctx.slot.checkpoints.save(epochCheckpoint(epoch))
      await extras.resume?.epochEnd({ epoch, step, prunes: pruning?.prunes ?? 0, sparsity: pruning?.sparsity ?? 0 })
    },
    signal: ctx.signal,
    start: start && { epoch: start.epoch, step: start.step },
    distill: extras.distill,
  }
  const result = await new Trainer(options).fitSlot(ctx.slot, ctx.data.train, fit, { fresh })
  return { ...result, prunes: pruning?.prunes ?? 0, sparsity: pruning?.sparsity ?? 0 }
}

/** One line for reporters: epochs, throughput, final train loss, and what gradual pruning did. */
export function describeFit(settings: FitSettings, outcome: FitOutcome, prune?: ScheduledPrune): string {
  const throughput = outcome.seconds > 0 ? Math.round(outcome.samples / outcome.seconds) : 0
  const last = outcome.losses.at(-1)
  const loss = last === undefined ? '' : `, final train loss ${last.toFixed(4)}`
  const pruned = prune ? `; ${prune.strategy} on a ${prune.schedule.name} schedule: ${outcome.prunes} prune(s), now at ${(outcome.sparsity * 100).toFixed(2)}% sparsity` : ''
  return `${settings.epochs} epoch(s), ${throughput.toLocaleString('en-US')} samples/s ${outcome.engine.startsWith('wasm engine') ? `in the ${outcome.engine}` : `through ${outcome.engine}`}${loss}${pruned}`
}
