import type { CustomCallbackArgs } from '@tensorflow/tfjs-layers'
import { createRegistry } from './create-registry.js'
import { ConfigError, configIssues, PruneError } from './errors.js'
import type { PrunableModel } from './model.js'
import type { GradualPruneInput } from './option-types.js'
import type { Registry } from './registry.js'
import { createRng, type Rng } from './rng.js'
import { createSchedule } from './schedule-ref.js'
import { scheduledPruneSchema, type ScheduledPrune } from './scheduled-prune.js'
import { optionsAtSparsity } from './sparsity-target.js'

/**
 * Options of `pruningCallback()`: none to hold the masks the model has, or
 * `{ strategy, schedule, ...strategy options }` to prune gradually while `fit` trains, as the
 * `prune:` option of the train and finetune steps does. `registry` is where named strategies and
 * schedules are looked up (default: core's built-ins); `seed` seeds strategies that draw random numbers.
 */
export type PruningCallbackOptions = { registry?: Registry; seed?: number } & (GradualPruneInput | { schedule?: undefined })

/**
 * What `pruningCallback()` returns: tfjs-layers callback hooks (`CustomCallbackArgs`) for `model.fit`,
 * plus where the schedule has got to.
 */
export interface PruningCallback extends CustomCallbackArgs {
  /** Optimizer steps seen, over every `fit` this callback was given to. */
  readonly step: number
  /** The sparsity the schedule last pruned to (0 before the first prune, and without a schedule). */
  readonly sparsity: number
}

type Scheduled = { registry: Registry; prune: ScheduledPrune; rng: Rng }

/** Re-runs the strategy at the schedule's sparsity; fit cannot swap models, so the strategy must set masks. */
async function pruneInPlace(prunable: PrunableModel, { registry, prune, rng }: Scheduled, sparsity: number): Promise<PrunableModel> {
  const options = optionsAtSparsity(registry, prune, sparsity)
  const pruned = await registry.strategies.get(prune.strategy).prune(prunable, { options }, { rng })
  if (pruned.model === prunable.model) return pruned
  pruned.dispose()
  throw new PruneError(
    `pruningCallback: strategy "${prune.strategy}" built a new model, which model.fit cannot train in place of the old one. ` +
      "Use a strategy that sets masks (magnitude, or a scoreStrategy), or prune gradually with train() or the finetune step's prune: { strategy, schedule }.",
  )
}

function holdMasks(start: PrunableModel, scheduled: Scheduled | undefined): PruningCallback {
  let prunable = start // a strategy may return the same model with a new MaskSet
  const schedule = scheduled && createSchedule(scheduled.registry, scheduled.prune.schedule)
  let step = 0
  let sparsity = 0
  return {
    get step() {
      return step
    },
    get sparsity() {
      return sparsity
    },
    onTrainBegin: async () => prunable.applyMasks(),
    // After the optimizer step, as the Trainer does: masks first, then the schedule at the new step count.
    onBatchEnd: async () => {
      prunable.applyMasks()
      step++
      if (!schedule || schedule(step) === sparsity) return
      sparsity = schedule(step)
      prunable = await pruneInPlace(prunable, scheduled, sparsity)
    },
  }
}

/**
 * The callback that keeps a pruned model pruned under tfjs-layers' own `model.fit` (TFMOT's
 * `UpdatePruningStep`): `await model.fit(x, y, { epochs: 2, callbacks: [pruningCallback(pruned)] })`.
 * After every batch it re-applies the masks; with a schedule it re-runs the strategy whenever the
 * scheduled sparsity changes. Next to tfjs callback objects (`tf.callbacks.earlyStopping()`), pass
 * it as `new tf.CustomCallback(pruningCallback(pruned))`: tfjs does not mix the two kinds. With
 * `{ schedule: { name: 'polynomial', finalSparsity: 0.8, endStep: 500 } }` it prunes gradually too.
 */
export function pruningCallback(prunable: PrunableModel, options: PruningCallbackOptions = {}): PruningCallback {
  const { registry = createRegistry(), seed = 42, ...prune } = options as { registry?: Registry; seed?: number; schedule?: unknown } & Record<string, unknown>
  if (prune.schedule === undefined) return holdMasks(prunable, undefined)
  const parsed = scheduledPruneSchema(registry).safeParse(prune)
  if (!parsed.success) throw new ConfigError(configIssues(parsed.error.issues), 'pruningCallback()')
  return holdMasks(prunable, { registry, prune: parsed.data, rng: createRng(seed) })
}
