import type { RunInfo, RunResult, Snapshot } from '@prunekit/core'
import { readNumber } from '@prunekit/metrics'
import { modelStages } from './sensitivity.js'

/** The founding experiment's wording for the usual snapshot labels. */
const stageNames: Record<string, string> = {
  baseline: 'Before pruning',
  pruned: 'After pruning',
  finetuned: 'After fine-tuning',
}

export function stageName(label: string): string {
  return stageNames[label] ?? label
}

/** A numeric metric when it is a finite number (accuracy is NaN for regression), else undefined. */
export function readFinite(snapshot: Pick<Snapshot, 'metrics'>, name: string): number | undefined {
  const value = readNumber(snapshot, name)
  return value !== undefined && Number.isFinite(value) ? value : undefined
}

/** A fraction as a percentage: 0.8 -> "80.00%". */
export const percent = (fraction: number, digits = 2): string => `${(fraction * 100).toFixed(digits)}%`
/** An integer with thousands separators: 35352 -> "35,352". */
export const int = (n: number): string => n.toLocaleString('en-US')

/** Bytes in SI units: 1,066,440 -> "1.07 MB". */
export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = n
  let unit = 0
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(2)} ${units[unit]}`
}

/** "lenet-300-100 (266,610 params) on mnist (8,000 train / 2,000 test), backend wasm (SIMD)" */
export function describeRun(run: RunInfo): string {
  const threads = run.backend.threads > 1 ? `, ${run.backend.threads} threads` : ''
  const simd = run.backend.name === 'wasm' ? ` (${run.backend.simd ? 'SIMD' : 'no SIMD'}${threads})` : ''
  return `${run.model.name} (${int(run.model.params)} params) on ${run.data.name} (${int(run.data.train)} train / ${int(run.data.test)} test), backend ${run.backend.name}${simd}`
}

/** One sentence for a report of a run stopped early: what stopped it, where, and what the report covers. */
export function interruptedLine(result: { interrupted?: RunResult['interrupted']; steps: readonly unknown[] }): string | undefined {
  const { interrupted, steps } = result
  if (!interrupted) return undefined
  const { step } = interrupted
  return `Interrupted by ${interrupted.reason} in step ${step.index + 1} of ${step.total} (${step.name}): this report covers the ${steps.length} step(s) that finished.`
}

/**
 * The summary lines: one per snapshot ("Before pruning - Loss: 0.1234, Accuracy: 0.9700"), and a
 * "Model sparsity" line after every snapshot whose sparsity differs from the one before it.
 */
export function summaryLines(snapshots: readonly Snapshot[]): string[] {
  const lines: string[] = []
  let previousSparsity = 0
  for (const snapshot of modelStages(snapshots)) {
    const loss = readNumber(snapshot, 'loss')
    const accuracy = readNumber(snapshot, 'accuracy')
    const parts = [loss === undefined ? '' : `Loss: ${loss.toFixed(4)}`, accuracy === undefined ? '' : `Accuracy: ${accuracy.toFixed(4)}`]
    lines.push(`${stageName(snapshot.label)} - ${parts.filter(Boolean).join(', ')}`)
    const sparsity = readNumber(snapshot, 'sparsity')
    if (sparsity !== undefined && sparsity !== previousSparsity) lines.push(`Model sparsity: ${percent(sparsity)}`)
    if (sparsity !== undefined) previousSparsity = sparsity
  }
  return lines
}

const eighths = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** A fraction 0..1 as a bar of `width` character cells, in eighths of a cell: 0.5 -> "██████████". */
export function textBar(fraction: number, width = 20): string {
  const cells = Math.round(Math.min(1, Math.max(0, fraction)) * width * 8)
  return '█'.repeat(Math.floor(cells / 8)) + eighths[cells % 8]
}

/** A plain-text table with right-aligned numeric columns. */
export function textTable(header: string[], rows: string[][], rightAligned: boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) => cells.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}
