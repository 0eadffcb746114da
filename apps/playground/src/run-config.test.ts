import { resolveConfig } from '@prunekit/core/internal'
import { reportersPlugin } from '@prunekit/reporters'
import { describe, expect, it } from 'vitest'
import { createPlaygroundRegistry } from './registry.js'
import { cliConfig, cliNotes, pageConfig, type Choices } from './run-config.js'

const base: Choices = {
  seed: 42,
  model: { zoo: 'mlp', options: { units: [8] } },
  data: { dataset: 'iris', options: {} },
  trainEpochs: 2,
  finetuneEpochs: 1,
  learningRate: 0.01,
  batchSize: 16,
  strategy: 'magnitude',
  strategyOptions: { sparsity: 0.8, scope: 'layer' },
  download: { format: 'layers' },
}
const digits = { csv: 'digits.csv', text: 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n', options: { standardize: false } }

describe('the configs a form makes', () => {
  const registry = createPlaygroundRegistry()
  // The CLI's registry: the same plugins and the reporters.
  const cli = createPlaygroundRegistry().use(reportersPlugin())
  it.each<[string, Choices]>([
    ['one-shot magnitude on iris', base],
    ['a structured strategy, no training', { ...base, trainEpochs: 0, strategy: 'l1-units', strategyOptions: { sparsity: 0.5 } }],
    ['gradual pruning on a schedule', { ...base, schedule: { name: 'polynomial', options: { finalSparsity: 0.8, endStep: 20 } } }],
    ['a dropped model on the digits, exported sparse uint8', { ...base, model: { file: 'model.json', output: 'Softmax' }, data: digits, download: { format: 'sparse', quantize: 'uint8' } }],
  ])('%s: valid for the page and for the CLI', (_, choices) => {
    expect(() => resolveConfig(pageConfig(choices), registry)).not.toThrow()
    expect(() => resolveConfig(cliConfig(choices), cli)).not.toThrow()
  })

  it('prunes on the schedule while fine-tuning, the sparsity left to the schedule', () => {
    const config = pageConfig({ ...base, schedule: { name: 'polynomial', options: { finalSparsity: 0.8, endStep: 20 } } })
    expect(config.pipeline).toEqual([
      { train: { epochs: 2 } },
      { evaluate: { label: 'trained' } },
      { finetune: { epochs: 1, prune: { strategy: 'magnitude', scope: 'layer', schedule: { name: 'polynomial', finalSparsity: 0.8, endStep: 20 } } } },
      { evaluate: { label: 'finetuned' } },
    ])
  })

  it('writes for the CLI the files the page held in memory, and an export as the page downloads it', () => {
    const choices: Choices = { ...base, model: { file: 'model.json', output: 'Softmax' }, data: digits, download: { format: 'sparse', quantize: 'uint8' } }
    const config = cliConfig(choices) as Record<string, unknown>
    expect(config.model).toEqual({ path: './model/model.json', output: 'Softmax' })
    expect(config.data).toEqual({ dataset: 'csv', path: './digits.csv', standardize: false })
    expect((config.pipeline as unknown[]).at(-1)).toEqual({ export: { dir: 'model-pruned', format: 'sparse', quantize: 'uint8' } })
    expect(cliNotes(choices)).toMatch(/in \.\/model\/ beside this file\.\n.*digits\.csv/)
  })
})
