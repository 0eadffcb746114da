import type { Snapshot } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { allPlots, reportPlots } from './charts.js'
import { fixtureSnapshots } from './snapshots.fixture.js'

const fillOf = (svg: string, layer: string) => svg.match(new RegExp(`data-series="${layer}"[^>]* fill="(#[0-9a-f]{6})"`))?.[1]

describe('reportPlots', () => {
  it('builds a histogram per stage, then per-layer sparsity and accuracy against sparsity', () => {
    const plots = reportPlots(fixtureSnapshots)
    expect(allPlots(plots).map((p) => p.name)).toEqual(['weights-before', 'weights-pruned', 'weights-finetuned', 'sparsity', 'accuracy'])
    expect(plots.histograms.map((p) => p.title)).toEqual(['Weights: Before pruning', 'Weights: After pruning', 'Weights: After fine-tuning'])
    expect(plots.sparsity!.svg).toContain('whole model: 70.00%')
    expect(plots.histograms[1].svg).toContain('dense_1 (80.0% zero)')
  })

  it('gives a layer the same colour in every stage\'s chart, and distinct colours to different layers', () => {
    const { histograms } = reportPlots(fixtureSnapshots)
    const dense = histograms.map((p) => fillOf(p.svg, 'dense_1'))
    expect(new Set(dense).size).toBe(1)
    expect(fillOf(histograms[0].svg, 'output')).not.toBe(dense[0])
  })

  it('names charts of custom labels by a slug and skips charts it has no numbers for', () => {
    const custom: Snapshot[] = fixtureSnapshots.map((s, i) => ({ ...s, label: ['start', 'Round 1', 'Round 1'][i] }))
    expect(reportPlots(custom).histograms.map((p) => p.name)).toEqual(['weights-start', 'weights-round-1', 'weights-round-1-2'])
    expect(allPlots(reportPlots([{ label: 'x', step: 0, metrics: {} }]))).toEqual([])
  })
})
