import { describe, expect, it } from 'vitest'
import { recoveryBench, recoveryModels } from '../src/bench/recovery.js'

describe('the recovery bench suite', () => {
  it('pairs 2:4 with 50% and distilled with plain fine-tuning on the same trained model (run small)', async () => {
    const lines: string[] = []
    const suite = recoveryBench({ models: [{ ...recoveryModels[0], epochs: 1 }], seeds: [1], train: 256, test: 128, finetuneEpochs: 1 })
    const rows = await suite.run((line) => lines.push(line))
    expect(rows.map((r) => `${r.comparison}: ${r.variant}`)).toEqual([
      '2:4 vs 50%: unstructured 50%',
      '2:4 vs 50%: 2:4',
      'distill at 95%: unstructured 95%, plain',
      'distill at 95%: unstructured 95%, distilled',
      'distill, structured 75%: 75% of units removed, plain',
      'distill, structured 75%: 75% of units removed, distilled',
    ])
    expect(rows.map((r) => r.sparsity)).toEqual([0.5, 0.5, 0.95, 0.95, 0.7711, 0.7711])
    expect(rows[1].pattern).toBe('2:4 in every group')
    // Each pair starts from the same pruned model: only the fine-tuning differs.
    expect(rows[3].pruned).toBe(rows[2].pruned)
    expect(rows[5].pruned).toBe(rows[4].pruned)
    expect(rows[3].finetuned).not.toBe(rows[2].finetuned)
    expect(rows.map((r) => r.delta)).toEqual([0, expect.any(Number), 0, expect.any(Number), 0, expect.any(Number)])
    expect(lines).toHaveLength(6)
  })
})
