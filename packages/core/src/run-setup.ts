import type { ResolvedConfig } from './resolve-config.js'
import type { Dataset } from './data.js'
import { ConfigError, DataError, ModelError, PrunekitError } from './errors.js'
import { fitDataToModel } from './fit-data.js'
import { guardReporter } from './guard-reporter.js'
import { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import type { Reporter, RunInfo } from './reporter.js'
import { createRng } from './rng.js'
import type { BackendInfo } from './backend.js'

function wrap(kind: 'model' | 'data', name: string, cause: unknown): PrunekitError {
  if (cause instanceof PrunekitError) return cause
  const message = `Could not ${kind === 'model' ? 'build model' : 'load dataset'} "${name}": ${(cause as Error)?.message ?? cause}`
  return kind === 'model' ? new ModelError(message, { cause }) : new DataError(message, { cause })
}

/** The config's reporters, created in order, then the caller's own. */
export function createReporters(resolved: ResolvedConfig, registry: Registry, extra: Reporter[] = [], quiet = false): Reporter[] {
  const { out } = resolved.config
  return [...resolved.reporters.map((r) => guardReporter(r.name, registry.reporters.get(r.name).create(r.options, { out, quiet }))), ...extra]
}

/** The config's dataset, loaded with the run's seed. */
export async function loadData(resolved: ResolvedConfig, registry: Registry): Promise<Dataset> {
  const { seed } = resolved.config
  return Promise.resolve(registry.datasets.get(resolved.data.name).load(resolved.data.options, { seed, rng: createRng(seed) })).catch((e: unknown) => {
    throw wrap('data', resolved.data.name, e)
  })
}

/** The config's model, built for the data, and the data reshaped to the model's input. */
export async function buildModel(resolved: ResolvedConfig, registry: Registry, data: Dataset, memoryBytes?: number): Promise<{ model: PrunableModel; data: Dataset }> {
  const { name, options } = resolved.model
  const context = { inputShape: data.featureShape, numClasses: data.numClasses, task: data.task, rng: createRng(resolved.config.seed ^ 0x5bd1e995) }
  const factory = registry.models.get(name)
  if (factory.params && memoryBytes) checkMemory(name, factory.params(options, context), data, memoryBytes)
  const built = await Promise.resolve(factory.build(options, context)).catch((e: unknown) => {
    throw wrap('model', name, e)
  })
  const model = built instanceof PrunableModel ? built : new PrunableModel(built)
  try {
    return { model, data: fitDataToModel(data, model, name) }
  } catch (error) {
    model.dispose()
    throw error
  }
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`

/**
 * Refuses, before allocating, a model whose training would not fit: each parameter takes 16 bytes
 * (weight, gradient, two Adam moments), and the data's features 4 bytes each.
 */
function checkMemory(name: string, params: number, data: Dataset, memoryBytes: number): void {
  const values = (split: Dataset['train']) => split.size * data.featureShape.reduce((a, b) => a * b, 1)
  const needed = params * 16 + (values(data.train) + values(data.test)) * 4
  if (needed > memoryBytes) {
    throw new ConfigError([
      {
        path: 'model',
        message: `${name} has ${params.toLocaleString('en-US')} parameters: training it needs about ${gib(needed)} (16 bytes a parameter, plus the data), more than the ${gib(memoryBytes)} available. Use a smaller model (fewer units or layers) or less data.`,
      },
    ])
  }
}

/** What reporters hear when the run starts. */
export function describeRun(resolved: ResolvedConfig, backend: BackendInfo, model: PrunableModel, data: Dataset): RunInfo {
  return {
    config: resolved.config,
    backend,
    model: { name: resolved.model.name, params: model.model.countParams(), layers: model.model.layers.length },
    data: { name: data.name, train: data.train.size, test: data.test.size, task: data.task },
    steps: resolved.steps.map((s) => s.name),
  }
}
