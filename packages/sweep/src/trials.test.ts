import { ConfigError } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { createTrialRegistry, tinySweepConfig } from './registry.fixture.js'
import { expandTrials } from './trials.js'

const registry = await createTrialRegistry()
const expand = (sweep: unknown) => expandTrials(tinySweepConfig('out', sweep), registry, 'sweep.yaml')

function issuesOf(sweep: unknown): Array<{ path: string; message: string }> {
  try {
    expand(sweep)
  } catch (error) {
    if (error instanceof ConfigError) return error.issues
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('expandTrials', () => {
  it('runs every combination of a grid, the first key slowest, each config with its values set', () => {
    const { trials, out } = expand({ values: { 'pipeline.1.prune.sparsity': [0.5, 0.9], seed: [1, 2, 3] } })
    expect(out).toBe('out')
    expect(trials.map((t) => [t.id, t.values['pipeline.1.prune.sparsity'], t.values.seed])).toEqual([
      ['t01', 0.5, 1], ['t02', 0.5, 2], ['t03', 0.5, 3], ['t04', 0.9, 1], ['t05', 0.9, 2], ['t06', 0.9, 3],
    ])
    expect(trials[4].config.seed).toBe(2)
    expect(trials[4].config.pipeline[1]).toEqual({ prune: { strategy: 'magnitude', sparsity: 0.9 } })
    expect(trials[4].config.out).toBe('out/trials/t05')
    expect(trials[4].config.sweep).toBeUndefined()
    expect(new Set(trials.map((t) => t.key)).size).toBe(6)
  })

  it('draws random trials reproducibly from lists and ranges', () => {
    const sweep = { values: { 'pipeline.1.prune.sparsity': { min: 0.5, max: 0.95 }, 'train.learningRate': { min: 1e-4, max: 1e-2, log: true }, seed: [1, 2] }, random: { count: 5, seed: 7 } }
    const a = expand(sweep).trials
    expect(a).toHaveLength(5)
    expect(expand(sweep).trials.map((t) => t.values)).toEqual(a.map((t) => t.values))
    for (const t of a) {
      expect(t.values['pipeline.1.prune.sparsity']).toBeGreaterThanOrEqual(0.5)
      expect(t.values['pipeline.1.prune.sparsity']).toBeLessThan(0.95)
      expect(t.values['train.learningRate']).toBeGreaterThanOrEqual(1e-4)
      expect([1, 2]).toContain(t.values.seed)
    }
    expect(expand({ ...sweep, random: { count: 5, seed: 8 } }).trials.map((t) => t.values)).not.toEqual(a.map((t) => t.values))
  })

  it.each([
    [{ values: { 'pipeline.7.prune.sparsity': [0.5] } }, 'sweep.values.pipeline.7.prune.sparsity', /pipeline\.7 does not exist: pipeline is a list of 3/],
    [{ values: { 'modle.units': [[8]] } }, 'sweep.values.modle.units', /modle does not exist in the config \(keys there: .*model/],
    [{ values: { 'pipeline.1.prune.sparsity': { min: 0.1, max: 0.9 } } }, 'sweep.values.pipeline.1.prune.sparsity', /range needs random draws/],
    [{ values: { out: ['a', 'b'] } }, 'sweep.values.out', /vary anything but out/],
  ])('names a key it cannot vary: %j', (sweep, path, message) => {
    const issues = issuesOf(sweep)
    expect(issues.map((i) => i.path)).toEqual([path])
    expect(issues[0].message).toMatch(message)
  })

  it('reports a value the config refuses, with the trial it belongs to', () => {
    const issues = issuesOf({ values: { 'pipeline.1.prune.sparsity': [0.5, 1.5], 'pipeline.1.prune.sparsty': [0.1] } })
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['pipeline.1.prune.sparsity', 'pipeline.1.prune']))
    expect(issues.find((i) => i.path === 'pipeline.1.prune.sparsity')?.message).toContain('in trial t02')
  })

  it('asks for a sweep section when there is none', () => {
    expect(() => expandTrials({ ...tinySweepConfig('out', undefined) }, registry)).toThrow(/sweep: missing/)
  })
})
