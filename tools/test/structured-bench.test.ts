import { describe, expect, it } from 'vitest'
import { structuredBench, structuredCases } from '../src/bench/structured.js'

describe('the structured bench suite', () => {
  it('compares dense and pruned side by side for both models, with ratios and the targets (run small)', async () => {
    const lines: string[] = []
    const suite = structuredBench({ cases: structuredCases.map((c) => ({ ...c, epochs: 1, finetuneEpochs: 1 })), train: 256, test: 128, rounds: 1, batches: [1, 8] })
    const rows = await suite.run((line) => lines.push(line))
    expect(rows.map((r) => `${r.model} ${r.variant}`)).toEqual([
      'lenet-300-100 dense',
      'lenet-300-100 l1-units: 50% of hidden units',
      'lenet-300-100 pruned / dense',
      'cnn-small dense',
      'cnn-small l1-units: 50% of filters',
      'cnn-small pruned / dense',
    ])
    expect(rows[1]).toMatchObject({ units: 'dense_1 300->150, dense_2 100->50', params: 125810, macs: 125600 })
    expect(rows[2].macs).toBe(0.472)
    expect(rows[4].units).toBe('conv_1 16->8, conv_2 32->16')
    expect(rows[5].macs).toBeCloseTo(290720 / 1032384, 3)
    // Only the BatchNorm model gets the folded columns, and a verdict on both forms.
    expect(rows[0].foldedBatch8Ms).toBeNull()
    expect(rows[3].foldedBatch8Ms).toBeGreaterThan(0)
    expect(String(rows[5].targets)).toMatch(/as trained .*with BatchNorm folded .*accuracy after fine-tuning/)
    expect(lines.some((l) => l.startsWith('cnn-small: BatchNorm folded, batch 8'))).toBe(true)
  })
})
