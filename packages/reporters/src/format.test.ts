import type { Snapshot } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { summaryLines, textTable } from './format.js'

const snap = (label: string, loss: number, accuracy: number, sparsity: number): Snapshot => ({ label, step: 0, metrics: { loss, accuracy, sparsity } })

describe('summaryLines', () => {
  it('prints the founding experiment\'s four lines in order', () => {
    const lines = summaryLines([snap('baseline', 0.14361, 0.957, 0), snap('pruned', 0.51849, 0.856, 0.9), snap('finetuned', 0.1426, 0.958, 0.9)])
    expect(lines).toEqual([
      'Before pruning - Loss: 0.1436, Accuracy: 0.9570',
      'After pruning - Loss: 0.5185, Accuracy: 0.8560',
      'Model sparsity: 90.00%',
      'After fine-tuning - Loss: 0.1426, Accuracy: 0.9580',
    ])
  })

  it('keeps custom labels and reports each change of sparsity', () => {
    const lines = summaryLines([snap('round-1', 0.2, 0.9, 0.5), snap('round-2', 0.3, 0.88, 0.75), snap('again', 0.3, 0.88, 0.75)])
    expect(lines).toEqual([
      'round-1 - Loss: 0.2000, Accuracy: 0.9000',
      'Model sparsity: 50.00%',
      'round-2 - Loss: 0.3000, Accuracy: 0.8800',
      'Model sparsity: 75.00%',
      'again - Loss: 0.3000, Accuracy: 0.8800',
    ])
  })
})

describe('textTable', () => {
  it('aligns columns, numbers to the right', () => {
    expect(textTable(['layer', 'params'], [['dense_1', '235,200'], ['output', '1,000']], [false, true])).toEqual([
      'layer     params',
      '-------  -------',
      'dense_1  235,200',
      'output     1,000',
    ])
  })
})
