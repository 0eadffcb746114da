import type { RunInfo, Snapshot } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { configYaml } from './config-yaml.js'
import { bytes, describeRun, summaryLines, textBar, textTable } from './format.js'

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

describe('bytes, textBar and describeRun', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [216_232, '216.23 kB'],
    [1_066_440, '1.07 MB'],
  ])('writes %d bytes as %s', (n, text) => {
    expect(bytes(n)).toBe(text)
  })

  it.each([
    [0, ''],
    [0.5, '██████████'],
    [0.9318, '██████████████████▋'],
    [1, '████████████████████'],
    [1.5, '████████████████████'],
  ])('draws a sparsity of %d as %j', (fraction, bar) => {
    expect(textBar(fraction, 20)).toBe(bar)
  })

  it('describes a run in one line', () => {
    const run = { backend: { name: 'wasm', simd: true, threads: 1 }, model: { name: 'lenet-300-100', params: 266_610 }, data: { name: 'mnist', train: 8000, test: 2000 } } as RunInfo
    expect(describeRun(run)).toBe('lenet-300-100 (266,610 params) on mnist (8,000 train / 2,000 test), backend wasm (SIMD)')
  })
})

describe('configYaml', () => {
  it('writes a config as prunekit.yaml does: short maps inline, one step a line', () => {
    const config = { seed: 42, model: { zoo: 'mlp', units: [32] }, pipeline: [{ train: { epochs: 5 } }, { evaluate: { label: 'a: b' } }], reporters: ['console', { html: { title: 'x' } }] }
    expect(configYaml(config)).toBe(
      [
        'seed: 42',
        'model: { zoo: mlp, units: [ 32 ] }',
        'pipeline:',
        '  - train: { epochs: 5 }',
        '  - evaluate: { label: "a: b" }',
        'reporters:',
        '  - console',
        '  - html: { title: x }',
        '',
      ].join('\n'),
    )
  })
})
