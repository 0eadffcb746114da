import type * as tfl from '@tensorflow/tfjs-layers'
import { describe, expectTypeOf, it } from 'vitest'
import { defineConfig, prune, type PrunekitStrategies, type StrategyName } from '@prunekit/core'
import { l1Units, type structuredOptions } from '@prunekit/strategy-structured'
import type { z } from 'zod'

declare const model: tfl.LayersModel

describe('importing @prunekit/strategy-structured', () => {
  it('declares its strategies, with the input type of their schema', () => {
    expectTypeOf<PrunekitStrategies['l1-units']>().toEqualTypeOf<z.input<typeof structuredOptions>>()
    expectTypeOf<'bn-scale'>().toExtend<keyof PrunekitStrategies>()
    expectTypeOf<StrategyName>().toExtend<string>()
  })

  it('types l1-units options in prune()', () => {
    prune(model, { strategy: 'l1-units', sparsity: 0.5 })
    prune(model, { strategy: 'l2-units', ratio: 0.25, scope: 'global', roundTo: 4, overrides: { conv_1: { maxRatio: 0.5 } } })
    prune(model, { strategy: l1Units, ratio: 0.5, exclude: ['dense_2'] })
    // @ts-expect-error roundto is misspelt
    prune(model, { strategy: 'l1-units', ratio: 0.5, roundto: 4 })
    // @ts-expect-error ratio is a number
    prune(model, { strategy: 'random-units', ratio: '50%' })
    // @ts-expect-error scope is layer or global
    prune(model, { strategy: 'bn-scale', ratio: 0.5, scope: 'network' })
    // @ts-expect-error biases is a magnitude option, not a structured one
    prune(model, { strategy: 'l1-units', ratio: 0.5, biases: true })
    // @ts-expect-error the strategy object's options are checked too
    prune(model, { strategy: l1Units, ratio: 0.5, threshold: 0.1 })
  })

  it('types l1-units and fold-batchnorm in defineConfig()', () => {
    defineConfig({ pipeline: [{ prune: { strategy: 'l1-units', ratio: 0.5 } }, { 'fold-batchnorm': { activations: false } }, 'fold-batchnorm'] })
    defineConfig({ pipeline: [{ finetune: { epochs: 1, prune: { strategy: 'l1-units', maxRatio: 0.8, schedule: 'polynomial' } } }] })
    // @ts-expect-error activations is a boolean
    defineConfig({ pipeline: [{ 'fold-batchnorm': { activations: 'yes' } }] })
    // @ts-expect-error fold-batchnorm takes no epochs
    defineConfig({ pipeline: [{ 'fold-batchnorm': { epochs: 1 } }] })
    // @ts-expect-error maxratio is misspelt (gradual structured pruning)
    defineConfig({ pipeline: [{ train: { prune: { strategy: 'l1-units', maxratio: 0.8, schedule: 'linear' } } }] })
  })

  it('still checks magnitude, and still accepts strategies no registry declares', () => {
    prune(model, { strategy: 'someones-units', anything: true })
    // @ts-expect-error ratio is a structured option
    prune(model, { strategy: 'magnitude', ratio: 0.5 })
  })
})
