import type { Snapshot } from '@prunekit/core'
import { readLayers, readParams, readPattern, readSize } from '@prunekit/metrics'
import { bytes, int, percent, readFinite, stageName } from './format.js'
import { modelStages } from './sensitivity.js'

/** A table of formatted cells, rendered as HTML or Markdown. */
export interface Table {
  header: string[]
  rows: string[][]
  /** Per column: right-align (numbers). */
  numeric: boolean[]
}

const missing = '—'
const fixed = (value: number | undefined, digits = 4) => (value === undefined ? missing : value.toFixed(digits))

/** One row per stage of the model (analyses left out): loss, accuracy, sparsity, nonzero params and size. */
export function summaryTable(snapshots: readonly Snapshot[]): Table {
  return {
    header: ['stage', 'loss', 'accuracy', 'sparsity', 'nonzero params', 'size (dense)', 'size (sparse)'],
    numeric: [false, true, true, true, true, true, true],
    rows: modelStages(snapshots).map((s) => {
      const sparsity = readFinite(s, 'sparsity')
      const params = readParams(s)
      const size = readSize(s)
      return [
        stageName(s.label),
        fixed(readFinite(s, 'loss')),
        fixed(readFinite(s, 'accuracy')),
        sparsity === undefined ? missing : percent(sparsity),
        // Of the parameters the model was built with, so structured pruning's removals count as pruned.
        params ? `${int(params.nonzero)} of ${int(params.built)}` : missing,
        // The exact file bytes when the size metric measured them, else its estimates.
        size ? bytes(size.files?.float32 ?? size.denseBytes) : missing,
        size ? bytes(size.files?.sparse ?? size.nonzeroBytes) : missing,
      ]
    }),
  }
}

/** One row per layer the pattern metric checked: its compliance at every snapshot that measured it. */
export function patternTable(snapshots: readonly Snapshot[]): Table & { pattern: string } {
  const measured = snapshots.flatMap((s) => {
    const stats = readPattern(s)
    return stats ? [{ label: s.label, stats }] : []
  })
  const names = [...new Set(measured.flatMap((m) => m.stats.layers.map((l) => l.name)))]
  return {
    pattern: measured.at(-1)?.stats.pattern ?? '',
    header: ['layer', ...measured.map((m) => stageName(m.label))],
    numeric: [false, ...measured.map(() => true)],
    rows: names.map((name) => [
      name,
      ...measured.map((m) => {
        const l = m.stats.layers.find((x) => x.name === name)
        return l ? percent(l.compliance) : missing
      }),
    ]),
  }
}

/** One row per layer: its kernel, then its sparsity at every snapshot that measured layers. */
export function layerSparsityTable(snapshots: readonly Snapshot[]): Table {
  const measured = snapshots.flatMap((s) => {
    const layers = readLayers(s)
    return layers ? [{ label: s.label, layers }] : []
  })
  const names = [...new Set(measured.flatMap((m) => m.layers.map((l) => l.name)))]
  const first = new Map(measured.flatMap((m) => m.layers).reverse().map((l) => [l.name, l]))
  return {
    header: ['layer', 'type', 'kernel shape', 'weights', ...measured.map((m) => stageName(m.label))],
    numeric: [false, false, false, true, ...measured.map(() => true)],
    rows: names.map((name) => {
      const layer = first.get(name)!
      return [
        name,
        layer.type,
        layer.shape.join(' × '),
        int(layer.params),
        ...measured.map((m) => {
          const l = m.layers.find((x) => x.name === name)
          return l ? percent(l.sparsity) : missing
        }),
      ]
    }),
  }
}
