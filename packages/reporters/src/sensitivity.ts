import { readSensitivity, type AllocationRecord, type Snapshot } from '@prunekit/core'
import { percent } from './format.js'
import { percentFormat } from './svg/axis.js'
import { lineChart } from './svg/line.js'
import { paletteColor } from './svg/palette.js'
import { niceDomain } from './svg/scale.js'
import type { Table } from './tables.js'

const allocationMetric = 'allocation'

/** A snapshot of an analysis (sensitivity curves, an allocation), not a stage of the model. */
export const isAnalysis = (s: Snapshot): boolean => readSensitivity(s) !== undefined || Object.hasOwn(s.metrics, allocationMetric)

/** The snapshots that measure the model: the ones the summary, cards and console lines list. */
export const modelStages = (snapshots: readonly Snapshot[]): Snapshot[] => snapshots.filter((s) => !isAnalysis(s))

/** The latest allocation a prune step recorded. */
export function readAllocation(snapshots: readonly Snapshot[]): AllocationRecord | undefined {
  const found = snapshots.findLast((s) => Object.hasOwn(s.metrics, allocationMetric))
  return found?.metrics[allocationMetric] as unknown as AllocationRecord | undefined
}

const latestCurves = (snapshots: readonly Snapshot[]) => snapshots.map((s) => readSensitivity(s)).findLast((c) => c !== undefined)

/** Accuracy (or loss, or data-free the squared mass removed) against each layer's sparsity, one line per layer. */
export function sensitivityPlot(snapshots: readonly Snapshot[]): { name: string; title: string; svg: string } | undefined {
  const curves = latestCurves(snapshots)
  if (!curves?.layers.length) return undefined
  const points = curves.layers.flatMap((l) => l.points)
  const metric = points.every((p) => p.accuracy !== null) ? 'accuracy' : points.every((p) => p.loss !== null) ? 'loss' : 'massRemoved'
  const value = (p: (typeof points)[number]) => (metric === 'accuracy' ? p.accuracy! : metric === 'loss' ? p.loss! : p.massRemoved)
  const values = points.map(value)
  const [lo, hi] = niceDomain(Math.min(...values), Math.max(...values), 5)
  const domain: [number, number] = metric === 'loss' ? [Math.max(0, lo), hi] : [Math.max(0, lo), Math.min(1, hi)]
  const yLabel = metric === 'accuracy' ? `accuracy on ${curves.split}` : metric === 'loss' ? `loss on ${curves.split}` : 'squared-weight mass removed (data-free)'
  const title = `Sensitivity: each layer pruned alone (${curves.strategy})`
  const svg = lineChart({
    title,
    x: { label: 'sparsity of the one pruned layer', domain: [0, 1], format: percentFormat },
    y: { label: yLabel, domain, format: metric === 'loss' ? undefined : percentFormat },
    series: curves.layers.map((l, i) => ({ name: l.name, color: paletteColor(i), points: l.points.map((p) => ({ x: p.sparsity, y: value(p) })) })),
  })
  return { name: 'sensitivity', title, svg }
}

const cell = (v: number | null) => (v === null ? '' : String(v))

/** sensitivity.csv: one row per probe. */
export function sensitivityCsv(snapshots: readonly Snapshot[]): string | undefined {
  const curves = latestCurves(snapshots)
  if (!curves) return undefined
  const rows = curves.layers.flatMap((l) => l.points.map((p) => [l.name, l.weights, p.sparsity, cell(p.loss), cell(p.accuracy), p.massRemoved].join(',')))
  return ['layer,weights,sparsity,loss,accuracy,mass_removed', ...rows, ''].join('\n')
}

const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(4))

/** One row per layer: the sparsity the allocation gave it; and a line of predicted against measured. */
export function allocationTable(snapshots: readonly Snapshot[]): { table: Table; note: string } | undefined {
  const record = readAllocation(snapshots)
  if (!record) return undefined
  const first = record.firstPass
  const firstSparsity = new Map(first?.layers.map((l) => [l.name, l.sparsity]))
  const table: Table = {
    header: ['layer', 'weights', ...(record.firstPass ? ['first pass (single-layer curves)'] : []), 'allocated sparsity', 'pruned'],
    numeric: [false, true, ...(record.firstPass ? [true] : []), true, true],
    rows: record.layers.map((l) => [l.name, l.weights.toLocaleString('en-US'), ...(record.firstPass ? [percent(firstSparsity.get(l.name) ?? 0)] : []), percent(l.sparsity), l.pruned.toLocaleString('en-US')]),
  }
  const where = record.split ? ` on ${record.split}` : ''
  const count = (n: number) => Math.round(n).toLocaleString('en-US')
  const budget = record.budget
  const target = budget
    ? `Budget ${count(budget.limit)} ${budget.resource} (${count(budget.predicted)} predicted, ${count(budget.measured)} measured; ${percent(record.sparsity)} of the probed weights)`
    : `Global target ${percent(record.sparsity)} of the probed weights`
  const note = `${target}, least predicted ${record.objective === 'loss' ? 'loss increase' : 'squared mass removed (data-free)'}${record.refined ? ', refined once around the first allocation' : ''}. Predicted accuracy ${fixed(record.predicted.accuracy)}, measured ${fixed(record.measured.accuracy)}${where}; loss ${fixed(record.predicted.loss)} predicted, ${fixed(record.measured.loss)} measured.${first ? ` The first pass was predicted at ${fixed(first.predicted.accuracy)} and measured at ${fixed(first.measured.accuracy)}.` : ''}`
  return { table, note }
}
