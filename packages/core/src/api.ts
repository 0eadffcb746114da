import type { LayersModel } from '@tensorflow/tfjs-layers'
import { createRegistry } from './create-registry.js'
import type { Dataset, DatasetFactory } from './data.js'
import { ConfigError, configIssues } from './errors.js'
import { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import { createRng } from './rng.js'
import type { PruningStrategy } from './strategy.js'
import { Trainer, trainDefaultsSchema, type FitResult, type TrainDefaults } from './trainer.js'

export interface PruneOptions {
  /** A strategy, or the name of one in `registry` (default: magnitude). */
  strategy?: string | PruningStrategy<unknown>
  /** Where named strategies are looked up (default: core's built-ins). */
  registry?: Registry
  /** Seed for strategies that draw random numbers. */
  seed?: number
  /** The strategy's own options: sparsity or threshold, scope, include, exclude ... */
  [option: string]: unknown
}

/**
 * Prunes a model in one call: `await prune(model, { sparsity: 0.9 })`. Options are validated by the
 * strategy's schema; the result holds the masks that keep pruned weights at zero.
 */
export async function prune(model: LayersModel | PrunableModel, options: PruneOptions = {}): Promise<PrunableModel> {
  const { strategy = 'magnitude', registry, seed = 42, ...rest } = options
  const chosen = typeof strategy === 'string' ? (registry ?? createRegistry()).strategies.get(strategy) : strategy
  const parsed = chosen.options.safeParse(rest)
  if (!parsed.success) throw new ConfigError(configIssues(parsed.error.issues), `prune(${chosen.name})`)
  const target = model instanceof PrunableModel ? model : new PrunableModel(model)
  return chosen.prune(target, { options: parsed.data }, { rng: createRng(seed) })
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
