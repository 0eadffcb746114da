import { describe, expect, it } from 'vitest'
import { fixtureSnapshots } from './snapshots.fixture.js'
import { layerTable } from './console.js'
import { layerSparsityTable, patternTable, summaryTable } from './tables.js'

describe('report tables', () => {
  it('summarises every snapshot: loss, accuracy, sparsity, nonzero params and size', () => {
    const table = summaryTable(fixtureSnapshots)
    expect(table.header).toEqual(['stage', 'loss', 'accuracy', 'sparsity', 'nonzero params', 'size (dense)', 'size (sparse)'])
    expect(table.rows[1]).toEqual(['After pruning', '0.5000', '0.8000', '70.00%', '16 of 37', '148 B', '128 B'])
    expect(summaryTable([{ label: 'custom', step: 0, metrics: { loss: 1, accuracy: Number.NaN } }]).rows).toEqual([['custom', '1.0000', '—', '—', '—', '—', '—']])
  })

  it('lists each layer\'s sparsity at every stage', () => {
    const table = layerSparsityTable(fixtureSnapshots)
    expect(table.header).toEqual(['layer', 'type', 'kernel shape', 'weights', 'Before pruning', 'After pruning', 'After fine-tuning'])
    expect(table.rows).toEqual([
      ['dense_1', 'Dense', '4 × 5', '20', '0.00%', '80.00%', '80.00%'],
      ['output', 'Dense', '5 × 2', '10', '0.00%', '50.00%', '50.00%'],
    ])
  })

  it('shows N:M compliance per layer where the pattern metric measured it, in the reports and the console', () => {
    const pattern = (compliance: number) => ({ pattern: '2:4', layers: [{ name: 'dense_1', groups: 5, compliant: 5 * compliance, compliance, maxKept: compliance === 1 ? 2 : 4 }] })
    const snapshots = fixtureSnapshots.map((s, i) => (i === 0 ? s : { ...s, metrics: { ...s.metrics, pattern: pattern(i === 1 ? 1 : 0.8) } }))
    const table = patternTable(snapshots)
    expect(table.pattern).toBe('2:4')
    expect(table.header).toEqual(['layer', 'After pruning', 'After fine-tuning'])
    expect(table.rows).toEqual([['dense_1', '100.00%', '80.00%']])
    expect(patternTable(fixtureSnapshots).rows).toEqual([])
    const lines = layerTable(snapshots[2])
    expect(lines[0]).toMatch(/sparsity +2:4/)
    expect(lines.find((l) => l.startsWith('dense_1'))).toMatch(/80\.00% +80\.00%/)
    expect(lines.find((l) => l.startsWith('output'))).toMatch(/50\.00% +—/)
  })
})
