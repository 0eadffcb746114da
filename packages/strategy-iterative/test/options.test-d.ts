import { describe, expectTypeOf, it } from 'vitest'
import { defineConfig, type PrunekitSchedules, type PrunekitSteps } from '@prunekit/core'
import type { IterateOptionsInput } from '@prunekit/strategy-iterative'

describe('importing @prunekit/strategy-iterative', () => {
  it('declares the iterate step (core declares the schedules)', () => {
    expectTypeOf<keyof PrunekitSchedules>().toEqualTypeOf<'constant' | 'linear' | 'polynomial' | 'geometric'>()
    expectTypeOf<PrunekitSteps['iterate']>().toEqualTypeOf<IterateOptionsInput>()
    expectTypeOf<PrunekitSchedules['polynomial']>().toHaveProperty('endStep').toEqualTypeOf<number>()
  })

  it('types a schedule\'s options in gradual pruning', () => {
    defineConfig({ pipeline: [{ train: { prune: { schedule: { name: 'polynomial', finalSparsity: 0.9, endStep: 200, power: 2 } } } }] })
    defineConfig({ pipeline: [{ finetune: { prune: { strategy: 'magnitude', scope: 'layer', schedule: 'constant' } } }] })
    defineConfig({ pipeline: [{ finetune: { prune: { schedule: { name: 'someones-schedule', anything: 1 } } } }] })
    // @ts-expect-error endstep is misspelt
    defineConfig({ pipeline: [{ train: { prune: { schedule: { name: 'polynomial', finalSparsity: 0.9, endstep: 200 } } } }] })
    // @ts-expect-error polynomial needs endStep
    defineConfig({ pipeline: [{ train: { prune: { schedule: { name: 'polynomial', finalSparsity: 0.9 } } } }] })
    // @ts-expect-error rate is a number
    defineConfig({ pipeline: [{ train: { prune: { schedule: { name: 'geometric', rate: 'half' } } } }] })
  })

  it('types iterate', () => {
    defineConfig({
      pipeline: [
        { train: { epochs: 2, checkpoints: [1] } },
        { iterate: { rounds: 3, prune: { strategy: 'magnitude', scope: 'global', schedule: { name: 'geometric', rate: 0.2 } }, rewind: { epoch: 1 }, control: 'reinit' } },
        { iterate: { rounds: 2, prune: { sparsity: [0.5, 0.8] }, finetune: { epochs: 1 }, rewind: 'init', metrics: ['accuracy'] } },
      ],
    })
    // @ts-expect-error rounds is required
    defineConfig({ pipeline: [{ iterate: { prune: { sparsity: [0.5] } } }] })
    // @ts-expect-error rewind is none, init or { epoch }
    defineConfig({ pipeline: [{ iterate: { rounds: 1, prune: { sparsity: [0.5] }, rewind: 'start' } }] })
    // @ts-expect-error sparsity is one value per round
    defineConfig({ pipeline: [{ iterate: { rounds: 1, prune: { sparsity: 0.5 } } }] })
    // @ts-expect-error scop is misspelt
    defineConfig({ pipeline: [{ iterate: { rounds: 1, prune: { strategy: 'magnitude', scop: 'layer', sparsity: [0.5] } } }] })
  })
})
