import { z } from 'zod'
import { ConfigError, configIssues, unknownNameMessage, type ConfigIssue } from './errors.js'
import type { Registry } from './registry.js'
import { stepSchema } from './step.js'
import { trainDefaultsSchema } from './trainer.js'

/** A one-key map: `{ train: { epochs: 5 } }`, or a bare name such as `console`. */
const namedEntry = z.union([z.string(), z.record(z.string(), z.unknown())])

/** `{ path, output }`: a saved tfjs Layers model, loaded by the registry's `file` model. */
export const fileModelSchema = z
  .object({
    path: z.string().min(1).describe('model.json, or the directory holding it (relative to the config file)'),
    output: z
      .union([z.string(), z.number().int()])
      .optional()
      .describe('For multi-output models: the output to train and evaluate, by layer name or index (-1: the last)'),
  })
  .strict()

/** The zoo name that `model: { path }` stands for. */
export const fileModelName = 'file'

export const quickstartPipeline = [
  { train: { epochs: 5 } },
  { evaluate: { label: 'baseline' } },
  { prune: { strategy: 'magnitude', sparsity: 0.9, scope: 'global' } },
  { evaluate: { label: 'pruned' } },
  { finetune: { epochs: 2 } },
  { evaluate: { label: 'finetuned' } },
]

export const configSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editor completion'),
    seed: z.number().int().default(42).describe('Seed for data splits, initialisation and shuffling'),
    backend: z.enum(['wasm', 'cpu']).default('wasm').describe('TensorFlow.js backend: wasm (SIMD) or cpu'),
    threads: z.number().int().min(1).max(16).default(1).describe('wasm worker threads (opt-in; 1 is single-threaded)'),
    plugins: z.array(z.string()).default([]).describe('Plugins to load: package names or paths relative to the config file'),
    model: z
      .union([z.object({ zoo: z.string().describe('Name of a model in the registry (prunekit list models)') }).catchall(z.unknown()), fileModelSchema])
      .default({ zoo: 'lenet-300-100' })
      .describe('The model: { zoo: name, ...options } to build one, or { path: model.json, output } to load one'),
    data: z
      .object({ dataset: z.string().describe('Name of a dataset in the registry (prunekit list datasets)') })
      .catchall(z.unknown())
      .default({ dataset: 'mnist', train: 8000, test: 2000 })
      .describe('The dataset: { dataset: name, ...options }'),
    train: trainDefaultsSchema.default(trainDefaultsSchema.parse({})).describe('Defaults for every train and finetune step'),
    pipeline: z.array(namedEntry).min(1).default(quickstartPipeline).describe('Steps, in order; each is { stepName: options }'),
    reporters: z.array(namedEntry).default(['console', 'json', 'html', 'png']).describe('Reporters, in order: names, or { name: options } (console, json, html, png, markdown)'),
    out: z.string().default('out').describe('Output directory for reports and exported models'),
  })
  .strict()

export type ConfigInput = z.input<typeof configSchema>
export type PipelineConfig = z.output<typeof configSchema>

export interface ResolvedEntry {
  name: string
  options: unknown
}

export interface ResolvedConfig {
  config: PipelineConfig
  steps: ResolvedEntry[]
  reporters: ResolvedEntry[]
  model: ResolvedEntry
  data: ResolvedEntry
}

/** Splits `{ name: options }` or `name` into its parts. */
export function entryOf(entry: unknown): { name: string; options: unknown } | undefined {
  if (typeof entry === 'string') return { name: entry, options: {} }
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
    const keys = Object.keys(entry)
    if (keys.length === 1) return { name: keys[0], options: (entry as Record<string, unknown>)[keys[0]] ?? {} }
  }
  return undefined
}

/**
 * Validates a config against the schema and the registry, collecting every problem at once.
 * Throws a ConfigError listing each as `path.to.key: message`.
 */
export function resolveConfig(raw: unknown, registry: Registry, source?: string): ResolvedConfig {
  const parsed = configSchema.safeParse(raw ?? {})
  if (!parsed.success) throw new ConfigError(configIssues(parsed.error.issues), source)
  const config = parsed.data
  const issues: ConfigIssue[] = []

  const resolveNamed = (kind: 'steps' | 'reporters', entries: unknown[], key: string): ResolvedEntry[] =>
    entries.flatMap((entry, i) => {
      const split = entryOf(entry)
      if (!split) {
        issues.push({ path: `${key}.${i}`, message: `expected a name or a one-key map { name: options }, got ${JSON.stringify(entry)}` })
        return []
      }
      const catalog = registry[kind]
      if (!catalog.has(split.name)) {
        issues.push({ path: `${key}.${i}`, message: unknownNameMessage(kind === 'steps' ? 'step' : 'reporter', split.name, catalog.names()) })
        return []
      }
      const factory = catalog.get(split.name)
      const schema = kind === 'steps' ? stepSchema(registry.steps.get(split.name), registry) : registry.reporters.get(split.name).options
      const result = schema.safeParse(split.options)
      if (!result.success) {
        issues.push(...configIssues(result.error.issues, [key, i, split.name]))
        return []
      }
      return [{ name: factory.name, options: result.data }]
    })

  const resolveFactory = (kind: 'models' | 'datasets', key: 'model' | 'data', nameKey: 'zoo' | 'dataset'): ResolvedEntry => {
    const entry = config[key] as Record<string, unknown>
    const { [nameKey]: name, ...options } = ('path' in entry && !(nameKey in entry) ? { [nameKey]: fileModelName, ...entry } : entry) as Record<string, unknown> & { [k: string]: string }
    const catalog = registry[kind]
    if (!catalog.has(name)) {
      issues.push({ path: `${key}.${nameKey}`, message: unknownNameMessage(kind === 'models' ? 'model' : 'dataset', name, catalog.names()) })
      return { name, options }
    }
    const result = catalog.get(name).options.safeParse(options)
    if (!result.success) issues.push(...configIssues(result.error.issues, [key]))
    return { name, options: result.success ? result.data : options }
  }

  const model = resolveFactory('models', 'model', 'zoo')
  const data = resolveFactory('datasets', 'data', 'dataset')
  const steps = resolveNamed('steps', config.pipeline, 'pipeline')
  const reporters = resolveNamed('reporters', config.reporters, 'reporters')
  if (issues.length) throw new ConfigError(issues, source)
  return { config, steps, reporters, model, data }
}
