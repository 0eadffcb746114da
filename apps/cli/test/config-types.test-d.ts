import { describe, expectTypeOf, it } from 'vitest'
import { defineConfig, type MetricName, type PrunekitMetrics } from '@prunekit/core'
import '@prunekit/datasets'
import '@prunekit/metrics'
import '@prunekit/models'
import '@prunekit/reporters'
import '@prunekit/strategy-iterative'
import '@prunekit/strategy-structured'
import type { FlopsStats } from '@prunekit/metrics'

describe('a config with every package imported', () => {
  it('accepts the README\'s configs', () => {
    defineConfig({
      seed: 7,
      backend: 'wasm',
      plugins: ['@prunekit/strategy-structured', './my-strategy.mjs'],
      model: { zoo: 'mlp', units: [16, 8], activation: 'relu' },
      data: { dataset: 'synthetic', samples: 300 },
      train: { optimizer: 'adam', learningRate: 0.001, batchSize: 64 },
      pipeline: [
        { train: { epochs: 2 } },
        { evaluate: { label: 'baseline', metrics: ['accuracy', 'flops', 'my-metric'] } },
        { prune: { strategy: 'l1-units', sparsity: 0.5 } },
        { finetune: { epochs: 1 } },
        { export: { dir: 'out/model' } },
      ],
      reporters: ['console', 'json', { html: { title: 'Run' } }, { png: {} }, 'markdown', 'my-reporter'],
      out: 'out/',
    })
    defineConfig({ model: { path: './model/model.json', output: -1 }, data: { dataset: 'mnist', train: 8000, test: 2000 } })
    defineConfig({ model: { zoo: 'lenet-5' }, data: { dataset: 'my-data', rows: 10 } })
    defineConfig({ model: { zoo: 'my-model', depth: 3 } })
  })

  it('types model, data, reporters and metric names', () => {
    expectTypeOf<PrunekitMetrics['flops']>().toEqualTypeOf<FlopsStats>()
    expectTypeOf<'latency'>().toExtend<MetricName>()
    // @ts-expect-error units are numbers
    defineConfig({ model: { zoo: 'mlp', units: ['64'] } })
    // @ts-expect-error lenet-5 takes no options
    defineConfig({ model: { zoo: 'lenet-5', units: [64] } })
    // @ts-expect-error a file model takes path and output
    defineConfig({ model: { path: './model.json', outputs: 1 } })
    // @ts-expect-error trian is misspelt
    defineConfig({ data: { dataset: 'mnist', trian: 100 } })
    // @ts-expect-error title is a string
    defineConfig({ reporters: [{ html: { title: 1 } }] })
    // @ts-expect-error an undeclared reporter with options must be declared (a key cannot be told from a typo)
    defineConfig({ reporters: [{ htlm: { title: 'x' } }] })
    // @ts-expect-error dir is a string
    defineConfig({ pipeline: [{ export: { dir: 1 } }] })
  })
})
