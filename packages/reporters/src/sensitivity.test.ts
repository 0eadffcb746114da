import type { AllocationRecord, MetricValue, SensitivityCurves, Snapshot } from '@prunekit/core'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reportPlots } from './charts.js'
import { csvReporter } from './csv.js'
import { summaryLines } from './format.js'
import { renderHtmlReport } from './html-page.js'
import { allocationTable, sensitivityCsv } from './sensitivity.js'
import { fixtureSnapshots, fixtureSteps } from './snapshots.fixture.js'
import { summaryTable } from './tables.js'

const curves: SensitivityCurves = {
  strategy: 'magnitude',
  mode: 'data',
  split: 'train[6:10]',
  baseline: { loss: 0.1, accuracy: 1 },
  layers: [
    { name: 'dense_1', weights: 20, points: [{ sparsity: 0, massRemoved: 0, loss: 0.1, accuracy: 1 }, { sparsity: 0.5, massRemoved: 0.2, loss: 0.3, accuracy: 0.75 }] },
    { name: 'output', weights: 10, points: [{ sparsity: 0, massRemoved: 0, loss: 0.1, accuracy: 1 }, { sparsity: 0.5, massRemoved: 0.25, loss: 0.9, accuracy: 0.5 }] },
  ],
  skipped: [],
}

const allocation: AllocationRecord = {
  objective: 'loss',
  sparsity: 0.5,
  split: 'train[6:10]',
  refined: true,
  firstPass: { layers: [{ name: 'dense_1', weights: 20, pruned: 12, sparsity: 0.6 }, { name: 'output', weights: 10, pruned: 3, sparsity: 0.3 }], predicted: { loss: 1, accuracy: 0.3 }, measured: { loss: 1.4, accuracy: 0.2 } },
  layers: [{ name: 'dense_1', weights: 20, pruned: 10, sparsity: 0.5 }, { name: 'output', weights: 10, pruned: 5, sparsity: 0.5 }],
  predicted: { loss: 1.1, accuracy: 0.25 },
  measured: { loss: 1.2, accuracy: 0.25 },
}

const analysis: Snapshot[] = [
  { label: 'sensitivity', step: 1, metrics: { sensitivity: curves as unknown as MetricValue } },
  { label: 'allocation', step: 2, metrics: { allocation: allocation as unknown as MetricValue } },
]
const snapshots = [fixtureSnapshots[0], ...analysis, ...fixtureSnapshots.slice(1)]

describe('sensitivity in the reports', () => {
  it('writes one CSV row per probe', () => {
    expect(sensitivityCsv(snapshots)).toBe(
      ['layer,weights,sparsity,loss,accuracy,mass_removed', 'dense_1,20,0,0.1,1,0', 'dense_1,20,0.5,0.3,0.75,0.2', 'output,10,0,0.1,1,0', 'output,10,0.5,0.9,0.5,0.25', ''].join('\n'),
    )
    expect(sensitivityCsv(fixtureSnapshots)).toBeUndefined()
  })

  it('the csv reporter writes sensitivity.csv only when a sensitivity step ran', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-csv-'))
    const reporter = csvReporter.create(csvReporter.options.parse({}), { out, quiet: true })
    expect(await reporter.onRunEnd?.({ snapshots: fixtureSnapshots, steps: fixtureSteps, seconds: 1, out, files: [] })).toEqual([])
    expect(await reporter.onRunEnd?.({ snapshots, steps: fixtureSteps, seconds: 1, out, files: [] })).toEqual([join(out, 'sensitivity.csv')])
    expect(readFileSync(join(out, 'sensitivity.csv'), 'utf8')).toBe(sensitivityCsv(snapshots))
  })

  it('charts accuracy against sparsity, one line per layer', () => {
    const plot = reportPlots(snapshots).sensitivity!
    expect(plot.name).toBe('sensitivity')
    expect(plot.svg).toContain('chart-line')
    expect(plot.svg).toMatch(/<desc>accuracy on train\[6:10\] against sparsity of the one pruned layer: +\(0%, 100%\); +\(50%, 75%\); +\(0%, 100%\); +\(50%, 50%\)\.<\/desc>/)
    expect(plot.svg).toContain('>dense_1</text>')
    expect(plot.svg.match(/<g class="series">/g)).toHaveLength(2)
    expect(reportPlots(fixtureSnapshots).sensitivity).toBeUndefined()
  })

  it('keeps analyses out of the stage lists, and shows the allocation with its prediction', () => {
    expect(summaryTable(snapshots).rows.map((r) => r[0])).toEqual(summaryTable(fixtureSnapshots).rows.map((r) => r[0]))
    expect(summaryLines(snapshots)).toEqual(summaryLines(fixtureSnapshots))
    const { table, note } = allocationTable(snapshots)!
    expect(table.rows).toEqual([['dense_1', '20', '60.00%', '50.00%', '10'], ['output', '10', '30.00%', '50.00%', '5']])
    expect(note).toContain('Predicted accuracy 0.2500, measured 0.2500 on train[6:10]')
    expect(note).toContain('The first pass was predicted at 0.3000 and measured at 0.2000.')
    expect(note).toMatch(/^Global target 50.00% of the probed weights, /)
    const budget = { ...allocation, budget: { resource: 'bytes' as const, limit: 120_000, predicted: 119_998.7, measured: 119_997 } }
    const budgeted = allocationTable(snapshots.map((s) => (s.label === 'allocation' ? { ...s, metrics: { allocation: budget as unknown as MetricValue } } : s)))!
    expect(budgeted.note).toMatch(/^Budget 120,000 bytes \(119,999 predicted, 119,997 measured; 50.00% of the probed weights\), /)
    const html = renderHtmlReport({ snapshots, steps: fixtureSteps, seconds: 1 }, reportPlots(snapshots), { title: 't' })
    expect(html).toContain('<section id="sensitivity">')
  })
})
