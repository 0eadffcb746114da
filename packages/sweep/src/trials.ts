import { ConfigError, createRng, sweepSchema, type ConfigIssue, type PipelineConfig, type Registry, type Rng, type SweepConfig } from '@prunekit/core'
import { resolveConfig } from '@prunekit/core/internal'
import { createHash } from 'node:crypto'
import { pathProblem, withPath } from './paths.js'

/** A key's value in one trial. */
export type TrialValues = Record<string, unknown>

/** One run of the sweep: the config with its values applied. */
export interface Trial {
  /** t01, t02 ...: its folder under `<out>/trials/`. */
  id: string
  values: TrialValues
  /** The trial's whole config (no `sweep:` section; `out` is the trial's folder). */
  config: PipelineConfig
  /** A hash of the config, so that a finished trial is found again when the sweep runs again. */
  key: string
}

type Range = Exclude<SweepConfig['values'][string], unknown[]>

function draw(values: unknown[] | Range, rng: Rng): unknown {
  if (Array.isArray(values)) return values[rng.int(values.length)]
  const { min, max, log, integer } = values
  const value = log ? Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min))) : min + rng.next() * (max - min)
  return integer ? Math.round(value) : value
}

/** Every combination, the first key varying slowest. */
function grid(values: Record<string, unknown[]>): TrialValues[] {
  return Object.entries(values).reduce<TrialValues[]>((combos, [key, list]) => combos.flatMap((combo) => list.map((v) => ({ ...combo, [key]: v }))), [{}])
}

function sweepValues(sweep: SweepConfig, issues: ConfigIssue[]): TrialValues[] {
  if (sweep.random) {
    const rng = createRng(sweep.random.seed)
    return Array.from({ length: sweep.random.count }, () => Object.fromEntries(Object.entries(sweep.values).map(([key, values]) => [key, draw(values, rng)])))
  }
  const lists: Record<string, unknown[]> = {}
  for (const [key, values] of Object.entries(sweep.values)) {
    if (Array.isArray(values)) lists[key] = values
    else issues.push({ path: `sweep.values.${key}`, message: 'a { min, max } range needs random draws: add `random: { count: 8 }` to the sweep section, or list the values' })
  }
  return grid(lists)
}

/** A stable hash of a value: object keys sorted. */
export function hashOf(value: unknown): string {
  const canonical = JSON.stringify(value, (_, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v))
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16)
}

/** A sweep, ready to run: its section, the base out directory, and its trials. */
export interface SweepPlan {
  sweep: SweepConfig
  out: string
  trials: Trial[]
}

/**
 * The trials of a config's `sweep:` section, each config validated against the registry. Every
 * problem comes back at once: a key missing from the config, a value its schema refuses.
 */
export function expandTrials(raw: unknown, registry: Registry, source?: string): SweepPlan {
  const parsed = resolveConfig(raw, registry, source).config
  const { sweep, ...base } = parsed
  if (!sweep) throw new ConfigError([{ path: 'sweep', message: "missing: add a sweep section, e.g. sweep: { values: { 'pipeline.2.prune.sparsity': [0.5, 0.9] } }" }], source)
  const issues: ConfigIssue[] = []
  if (!Object.keys(sweep.values).length) issues.push({ path: 'sweep.values', message: 'names no config key to vary' })
  for (const key of Object.keys(sweep.values)) {
    const problem = key === 'sweep' || key.startsWith('sweep.') ? 'a sweep cannot vary its own section' : key === 'out' ? 'each trial writes to <out>/trials/<id>: vary anything but out' : pathProblem(base, key)
    if (problem) issues.push({ path: `sweep.values.${key}`, message: problem })
  }
  const combos = issues.length ? [] : sweepValues(sweepSchema.parse(sweep), issues)
  if (issues.length) throw new ConfigError(issues, source)
  const width = String(combos.length).length
  const trials = combos.map((values, i) => {
    const id = `t${String(i + 1).padStart(Math.max(2, width), '0')}`
    const config = Object.entries(values).reduce((c, [key, value]) => withPath(c, key, value), { ...base, out: `${base.out}/trials/${id}` } as PipelineConfig)
    return { id, values, config, key: '' }
  })
  for (const trial of trials) {
    try {
      trial.config = resolveConfig(trial.config, registry, source).config
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      issues.push(...error.issues.map((issue) => ({ path: issue.path, message: `${issue.message} (in trial ${trial.id}: ${describeValues(trial.values)})` })))
    }
    const { out: _out, ...identity } = trial.config
    trial.key = hashOf(identity)
  }
  if (issues.length) throw new ConfigError(issues, source)
  return { sweep, out: base.out, trials }
}

/** `sparsity=0.9, seed=1`: a trial's values, by the last part of each key. */
export function describeValues(values: TrialValues): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? +value.toPrecision(4) : JSON.stringify(value)}`)
    .join(', ')
}
