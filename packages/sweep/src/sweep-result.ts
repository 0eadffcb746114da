import type { SweepConfig } from '@prunekit/core'
import type { TrialMetrics } from './outcome.js'
import type { PrefixGroup } from './prefixes.js'
import { costs, paretoFront, qualityOf, type Cost } from './pareto.js'
import type { TrialResult } from './trial.js'
import { describeValues } from './trials.js'

export interface SweepTrial extends TrialResult {
  /** The trial's report page, relative to the sweep's out directory. */
  report?: string
  /** The costs against which this trial is on the Pareto front. */
  front: Cost[]
  /** Read back from an earlier run of the same sweep instead of run again. */
  reused: boolean
}

/** The shape of sweep.json. */
export interface SweepReport {
  prunekit: { format: 1; version: string }
  sweep: SweepConfig
  /** Where the trials ran. */
  executor: string
  /** Quality the fronts maximise. */
  quality?: 'accuracy' | 'loss'
  trials: SweepTrial[]
  /** Trial ids on each front, cheapest first. */
  fronts: Partial<Record<Cost, string[]>>
  /** Leading steps computed once for several trials, and the seconds that saved (the leader's time for those steps, once per follower). */
  prefixes: { groups: PrefixGroup[]; secondsSaved: number }
  seconds: number
}

/** The fronts of a finished sweep, marked on each trial. */
export function sweepReport(
  fields: Omit<SweepReport, 'prunekit' | 'quality' | 'fronts' | 'trials' | 'prefixes'> & { version: string; results: ReadonlyArray<TrialResult & { reused: boolean }>; prefixes: PrefixGroup[] },
): SweepReport {
  const results = [...fields.results].sort((a, b) => a.id.localeCompare(b.id))
  const quality = qualityOf(results.map((r) => r.metrics))
  const trials: SweepTrial[] = results.map((r) => ({ ...r, report: r.files.includes('report.html') ? `trials/${r.id}/report.html` : undefined, front: [] }))
  const fronts: SweepReport['fronts'] = {}
  for (const cost of costs) {
    const measured = trials.filter((t) => t.metrics[cost] !== undefined && quality?.value(t.metrics) !== undefined)
    if (!quality || !measured.length) continue
    const front = paretoFront(measured.map((t) => ({ cost: t.metrics[cost]!, quality: quality.value(t.metrics)! }))).map((i) => measured[i])
    front.sort((a, b) => a.metrics[cost]! - b.metrics[cost]!)
    for (const t of front) t.front.push(cost)
    fronts[cost] = front.map((t) => t.id)
  }
  const prefixSeconds = (g: PrefixGroup) => (results.find((r) => r.id === g.leader)?.stepSeconds ?? []).slice(0, g.steps).reduce((a, b) => a + b, 0)
  const secondsSaved = fields.prefixes.reduce((sum, g) => sum + g.followers.length * prefixSeconds(g), 0)
  return {
    prunekit: { format: 1, version: fields.version },
    sweep: fields.sweep,
    executor: fields.executor,
    quality: quality?.key,
    trials,
    fronts,
    prefixes: { groups: fields.prefixes, secondsSaved },
    seconds: fields.seconds,
  }
}

const metricColumns: Array<keyof TrialMetrics> = ['accuracy', 'loss', 'sparsity', 'bytes', 'macs', 'latencyMs']

function csvCell(value: unknown): string {
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** sweep.csv: a row per trial, a column per swept key and per metric. */
export function sweepCsv(report: SweepReport): string {
  const keys = Object.keys(report.sweep.values)
  const header = ['id', ...keys, ...metricColumns, 'seconds', 'front', 'report']
  const rows = report.trials.map((t) => [t.id, ...keys.map((k) => t.values[k]), ...metricColumns.map((m) => t.metrics[m]), +t.seconds.toFixed(2), t.front.join(' '), t.report])
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`
}

/** One line per trial for the terminal. */
export function trialLine(t: TrialResult): string {
  const m = t.metrics
  const parts = [m.accuracy !== undefined ? `accuracy ${m.accuracy.toFixed(4)}` : '', m.sparsity !== undefined ? `sparsity ${(m.sparsity * 100).toFixed(1)}%` : '', m.bytes !== undefined ? `${m.bytes} B` : '']
  return `${t.id} (${describeValues(t.values)}): ${parts.filter(Boolean).join(', ')}`
}
