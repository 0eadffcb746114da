import type { LayersModel } from '@tensorflow/tfjs-layers'
import type { z } from 'zod'
import { createRegistry } from './create-registry.js'
import type { Dataset, DatasetFactory } from './data.js'
import { ConfigError, configIssues } from './errors.js'
import { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import type { Checked } from './option-check.js'
import type { PrunekitStrategies, StrategyName, StrategyOptionsInput, WithoutNeverIndex } from './option-types.js'
import { createRng } from './rng.js'
import type { PruningStrategy } from './strategy.js'
import { Trainer, trainDefaultsSchema, type FitResult, type TrainDefaults } from './trainer.js'

/** Where a named strategy is looked up, and the seed of strategies that draw random numbers (a type, not an interface, so that it has an implicit index signature). */
type PruneSettings = {
  /** Where named strategies are looked up (default: core's built-ins). */
  registry?: Registry
  /** Seed for strategies that draw random numbers. */
  seed?: number
  /** Data for strategies that score weights by their effect on the loss (taylor, snip, wanda, fisher). */
  data?: Dataset
}

/**
 * Options of `prune()`: `{ strategy: name, ...that strategy's options }` (strategy defaults to
 * magnitude; names come from `PrunekitStrategies`), or `{ strategy: aStrategyObject, ...its options }`.
 */
export type PruneOptions = PruneSettings & (StrategyOptionsInput | ({ strategy: PruningStrategy<unknown> } & { [option: string]: unknown }))

/** Every declared strategy's option keys, so that editors complete them (values are checked by `CheckedPruneOptions`). */
type PruneShape = PruneSettings & { strategy?: StrategyName | PruningStrategy<unknown> } & {
  [K in PrunekitStrategies[keyof PrunekitStrategies] extends infer M ? (M extends unknown ? keyof M : never) : never]?: unknown
} & { [option: string]: unknown }

/** The input a strategy object takes: its schema's input type, or its options made optional when the schema does not say. */
type StrategyInput<S extends PruningStrategy<unknown>> = unknown extends z.input<S['options']> ? Partial<WithoutNeverIndex<z.output<S['options']>>> : z.input<S['options']>

/** `prune()`'s options as given, checked: a declared strategy name (or a strategy object) gets its own options type. */
export type CheckedPruneOptions<O> = PruneSettings &
  (O extends { strategy: infer S extends PruningStrategy<unknown> }
    ? { strategy: S } & Checked<Omit<O, 'strategy' | keyof PruneSettings>, StrategyInput<S>>
    : Checked<Omit<O, keyof PruneSettings>, StrategyOptionsInput>)

/**
 * Prunes a model in one call: `await prune(model, { sparsity: 0.9 })`. Options are validated by the
 * strategy's schema; the result holds the masks that keep pruned weights at zero. TypeScript checks
 * the options of the strategies `PrunekitStrategies` declares; other names take any options.
 */
// No default for O: editors complete with the default in place of the constraint, and `{}` completes nothing.
export async function prune<const O extends PruneShape>(
  model: LayersModel | PrunableModel,
  options?: [O] extends [CheckedPruneOptions<O>] ? O : CheckedPruneOptions<O>,
): Promise<PrunableModel> {
  const { strategy = 'magnitude', registry, seed = 42, data, ...rest } = (options ?? {}) as PruneSettings & { strategy?: string | PruningStrategy<unknown> } & Record<string, unknown>
  const chosen = typeof strategy === 'string' ? (registry ?? createRegistry()).strategies.get(strategy) : strategy
  const parsed = chosen.options.safeParse(rest)
  if (!parsed.success) throw new ConfigError(configIssues(parsed.error.issues), `prune(${chosen.name})`)
  const target = model instanceof PrunableModel ? model : new PrunableModel(model)
  return chosen.prune(target, { options: parsed.data }, { rng: createRng(seed), data, registry })
}

export interface TrainOptions extends Partial<TrainDefaults> {
  epochs?: number
  seed?: number
}

/** Trains (or fine-tunes) on a dataset's train split; masks, if any, hold pruned weights at zero. */
export async function train(model: PrunableModel, data: Dataset, options: TrainOptions = {}): Promise<FitResult> {
  const { epochs = 1, seed = 42, ...overrides } = options
  const parsed = trainDefaultsSchema.safeParse(overrides)
  if (!parsed.success) throw new ConfigError(configIssues(parsed.error.issues), 'train()')
  const settings = parsed.data
  return new Trainer({ ...settings, epochs }).fit(model, data.train, { task: data.task, rng: createRng(seed) })
}

/** Loads a dataset factory with options validated by its schema: `await loadDataset(mnistDataset, { train: 2000 })`. */
export async function loadDataset<O>(factory: DatasetFactory<O>, options: Partial<O> = {}, seed = 42): Promise<Dataset> {
  const parsed = factory.options.safeParse(options)
  if (!parsed.success) throw new ConfigError(configIssues(parsed.error.issues), factory.name)
  return factory.load(parsed.data, { seed, rng: createRng(seed) })
}
