import { configSchema, fileModelName, type PipelineConfig } from './config.js'
import { ConfigError, configIssues, unknownNameMessage, type ConfigIssue } from './errors.js'
import type { Registry } from './registry.js'
import { stepSchema } from './step.js'
import type { z } from 'zod'

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
 * The config with each top-level key that fails the schema replaced by its default, so the registry
 * checks still run and every problem is reported in one pass; undefined when `raw` is not a mapping.
 */
function lenientConfig(raw: unknown): PipelineConfig | undefined {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) return undefined
  const given = (raw ?? {}) as Record<string, unknown>
  const entries = Object.entries(configSchema.shape).map(([key, schema]) => {
    const own = (schema as z.ZodType).safeParse(given[key])
    return [key, own.success ? own.data : (schema as z.ZodType).safeParse(undefined).data]
  })
  return Object.fromEntries(entries) as PipelineConfig
}

/**
 * Validates a config against the schema and the registry, collecting every problem at once.
 * Throws a ConfigError listing each as `path.to.key: message`.
 */
export function resolveConfig(raw: unknown, registry: Registry, source?: string): ResolvedConfig {
  const parsed = configSchema.safeParse(raw ?? {})
  const issues: ConfigIssue[] = parsed.success ? [] : configIssues(parsed.error.issues)
  const config = parsed.success ? parsed.data : lenientConfig(raw)
  if (!config) throw new ConfigError(issues, source)

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
