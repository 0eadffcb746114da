import type { Snapshot } from '@prunekit/core'
import { readNumber } from '@prunekit/metrics'

/** The founding experiment's wording for the usual snapshot labels. */
const stageNames: Record<string, string> = {
  baseline: 'Before pruning',
  pruned: 'After pruning',
  finetuned: 'After fine-tuning',
}

export function stageName(label: string): string {
  return stageNames[label] ?? label
}

export const percent = (fraction: number, digits = 2): string => `${(fraction * 100).toFixed(digits)}%`
export const int = (n: number): string => n.toLocaleString('en-US')

/**
 * The summary lines: one per snapshot ("Before pruning - Loss: 0.1234, Accuracy: 0.9700"), and a
 * "Model sparsity" line after every snapshot whose sparsity differs from the one before it.
 */
export function summaryLines(snapshots: readonly Snapshot[]): string[] {
  const lines: string[] = []
  let previousSparsity = 0
  for (const snapshot of snapshots) {
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

/** A plain-text table with right-aligned numeric columns. */
export function textTable(header: string[], rows: string[][], rightAligned: boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) => cells.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}
