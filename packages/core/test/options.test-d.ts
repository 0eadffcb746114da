import type * as tfl from '@tensorflow/tfjs-layers'
import { describe, expectTypeOf, it } from 'vitest'
import { defineConfig, magnitude, prune, scoreStrategy, type PrunableModel, type PruneOptions, type PrunekitStrategies } from '@prunekit/core'

declare const model: tfl.LayersModel

describe('prune() options', () => {
  it('accepts magnitude options, with or without naming the strategy', () => {
    prune(model, { sparsity: 0.8 })
    prune(model, { sparsity: 0.8, scope: 'layer', include: ['dense_1', { type: 'Dense' }], overrides: { dense_2: { sparsity: 0.5 } } })
    prune(model, { strategy: 'magnitude', threshold: 0.01, seed: 7 })
    expectTypeOf(prune(model, { sparsity: 0.8 })).resolves.toEqualTypeOf<PrunableModel>()
  })

  it('rejects a misspelt option, a wrong enum value and a value of the wrong type', () => {
    // @ts-expect-error typo is no magnitude option
    prune(model, { sparsity: 0.8, typo: 1 })
    // @ts-expect-error scope is global or layer
    prune(model, { sparsity: 0.8, scope: 'bogus' })
    // @ts-expect-error sparsity is a number
    prune(model, { sparsity: '0.8' })
    // @ts-expect-error a named magnitude is checked too
    prune(model, { strategy: 'magnitude', sparsity: 0.8, scop: 'layer' })
    // @ts-expect-error overrides take sparsity or threshold
    prune(model, { sparsity: 0.8, overrides: { dense_1: { ratio: 0.5 } } })
  })

  it('accepts a strategy no registry declares, with any options', () => {
    prune(model, { strategy: 'my-strategy', anything: [1, 2], sparsity: 'high' })
    // Not imported here, so @prunekit/strategy-structured's names are undeclared: accepted, unchecked.
    prune(model, { strategy: 'l1-units', ratio: 'half' })
    expectTypeOf<PrunekitStrategies>().toEqualTypeOf<{ magnitude: PrunekitStrategies['magnitude'] }>()
  })

  it('types a strategy object\'s options by its schema', () => {
    const halve = scoreStrategy({ name: 'halve', description: 'test', score: (w) => w })
    prune(model, { strategy: halve, sparsity: 0.5, scope: 'layer' })
    prune(model, { strategy: magnitude, sparsity: 0.5 })
    // @ts-expect-error typo is no option of this strategy
    prune(model, { strategy: halve, sparsity: 0.5, typo: true })
    // @ts-expect-error scope is global or layer
    prune(model, { strategy: magnitude, sparsity: 0.5, scope: 'everywhere' })
  })
})

describe('defineConfig()', () => {
  it('accepts the quickstart', () => {
    defineConfig({
      seed: 42,
      model: { zoo: 'lenet-300-100' },
      data: { dataset: 'mnist', train: 8000, test: 2000 },
      pipeline: [
        { train: { epochs: 5 } },
        { evaluate: { label: 'baseline' } },
        { prune: { strategy: 'magnitude', sparsity: 0.9, scope: 'global' } },
        'evaluate',
        { finetune: { epochs: 2, prune: { strategy: 'magnitude', schedule: { name: 'polynomial', finalSparsity: 0.9, endStep: 100 } } } },
        { checkpoint: { name: 'a' } },
        { restore: { name: 'a', masks: 'current' } },
        { prune: { strategy: 'someones-plugin', whatever: 1 } },
      ],
      reporters: ['console', 'whatever'],
    })
  })

  it('rejects a misspelt step', () => {
    // @ts-expect-error finetun is no step
    defineConfig({ pipeline: [{ finetun: {} }] })
    // @ts-expect-error evalute is no step
    defineConfig({ pipeline: ['evalute'] })
  })

  it('checks a step\'s options', () => {
    // @ts-expect-error epochs is a number
    defineConfig({ pipeline: [{ train: { epochs: '5' } }] })
    // @ts-expect-error epoch is no train option
    defineConfig({ pipeline: [{ train: { epoch: 5 } }] })
    // @ts-expect-error masks is saved or current
    defineConfig({ pipeline: [{ restore: { name: 'init', masks: 'all' } }] })
    // @ts-expect-error checkpoint needs a name
    defineConfig({ pipeline: [{ checkpoint: {} }] })
  })

  it('checks a declared strategy\'s options in the prune step and in gradual pruning', () => {
    // @ts-expect-error scope is global or layer
    defineConfig({ pipeline: [{ prune: { strategy: 'magnitude', sparsity: 0.9, scope: 'bogus' } }] })
    // @ts-expect-error typo is no magnitude option
    defineConfig({ pipeline: [{ prune: { sparsity: 0.9, typo: 1 } }] })
    // @ts-expect-error a schedule sets the sparsity
    defineConfig({ pipeline: [{ train: { prune: { strategy: 'magnitude', sparsity: 0.5, schedule: 'constant' } } }] })
  })

  it('checks the top-level keys', () => {
    // @ts-expect-error backend is wasm or cpu
    defineConfig({ backend: 'webgl' })
    // @ts-expect-error seeds is no config key
    defineConfig({ seeds: 1 })
  })
})

describe('declared types', () => {
  it('PruneOptions types options built apart from the call', () => {
    expectTypeOf<{ sparsity: 0.5 }>().toExtend<PruneOptions>()
    expectTypeOf<{ scope: 'bogus' }>().not.toExtend<PruneOptions>()
    const options: PruneOptions = { sparsity: 0.5, scope: 'layer' }
    prune(model, options)
    prune(model)
  })
})
