import type { Snapshot } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { histogramStages, layerOrder, qualityPoints, sharedHistogramScale, sparsityGroups, zeroBin } from './chart-data.js'
import { fixtureSnapshots } from './snapshots.fixture.js'

const withLayers = (label: string, nonzero: number[]): Snapshot => ({
  label,
  step: 0,
  metrics: { sparsity: 1 - nonzero.reduce((a, b) => a + b) / 20, layers: nonzero.map((n, i) => ({ name: `l${i}`, type: 'Dense', shape: [2, 5], params: 10, nonzero: n, sparsity: (10 - n) / 10, biasParams: 5 })) },
})

describe('histogramStages', () => {
  it('takes every snapshot with histograms, with file slugs and each layer\'s zero fraction', () => {
    const stages = histogramStages(fixtureSnapshots)
    expect(stages.map((s) => [s.label, s.slug])).toEqual([['baseline', 'before'], ['pruned', 'pruned'], ['finetuned', 'finetuned']])
    expect(stages[1].sparsity.get('dense_1')).toBe(0.8)
    expect(histogramStages([{ label: 'x', step: 0, metrics: { loss: 1 } }])).toEqual([])
  })

  it('shares one x range and one count maximum across the stages', () => {
    expect(sharedHistogramScale(histogramStages(fixtureSnapshots))).toEqual({ xDomain: [-0.9, 0.9], maxCount: 16 })
  })
})

describe('zeroBin', () => {
  it.each([
    [[-1, -0.5, 0, 0.5, 1], 2],
    [[-1, -1 / 3, 1 / 3, 1], 1],
    [[0.1, 0.2, 0.3], 0], // outside: clamped into the first bin, as the histograms metric counts it
  ])('finds the bin of 0 in %j: %d', (edges, bin) => {
    expect(zeroBin(edges)).toBe(bin)
  })
})

describe('sparsityGroups', () => {
  it('merges consecutive snapshots with the same per-layer sparsity and leaves out the dense ones', () => {
    const groups = sparsityGroups(fixtureSnapshots)
    expect(groups.map((g) => g.labels)).toEqual([['pruned', 'finetuned']])
    expect(groups[0].sparsity).toBe(0.7)
  })

  it('keeps each round of gradual pruning apart', () => {
    const rounds = [withLayers('dense', [10, 10]), withLayers('round-1', [5, 8]), withLayers('round-2', [2, 6]), withLayers('tuned', [2, 6])]
    expect(sparsityGroups(rounds).map((g) => g.labels)).toEqual([['round-1'], ['round-2', 'tuned']])
  })

  it('shows the last snapshot when nothing was pruned', () => {
    expect(sparsityGroups([withLayers('a', [10, 10]), withLayers('b', [10, 10])]).map((g) => g.labels)).toEqual([['b']])
  })
})

describe('qualityPoints and layerOrder', () => {
  it('plots accuracy against sparsity per snapshot, or loss for a model without accuracy', () => {
    expect(qualityPoints(fixtureSnapshots)).toEqual({
      metric: 'accuracy',
      points: [
        { label: 'baseline', sparsity: 0, value: 0.9 },
        { label: 'pruned', sparsity: 0.7, value: 0.8 },
        { label: 'finetuned', sparsity: 0.7, value: 0.88 },
      ],
    })
    const regression: Snapshot[] = [{ label: 'a', step: 0, metrics: { loss: 2, accuracy: Number.NaN, sparsity: 0 } }, { label: 'b', step: 1, metrics: { loss: 3 } }]
    expect(qualityPoints(regression)).toEqual({ metric: 'loss', points: [{ label: 'a', sparsity: 0, value: 2 }] })
  })

  it('orders layers as they first appear, so a layer keeps its colour', () => {
    expect(layerOrder(fixtureSnapshots)).toEqual(['dense_1', 'output'])
  })
})
