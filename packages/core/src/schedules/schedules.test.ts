import { createRegistry } from '../create-registry.js'
import { describe, expect, it } from 'vitest'
import { builtinSchedules } from './index.js'

const registry = createRegistry()

/** A schedule from the registry, built from raw options as a config would give them. */
function schedule(name: string, options: Record<string, unknown>): (step: number) => number {
  const factory = registry.schedules.get(name)
  return factory.create(factory.options.parse(options))
}

/** Zhu & Gupta's formula, written out: s_f + (s_i - s_f)(1 - (t - t0)/(nΔt))^3 */
const zhuGupta = (si: number, sf: number, t0: number, ndt: number, t: number, power = 3) => sf + (si - sf) * (1 - (t - t0) / ndt) ** power

describe('polynomial', () => {
  const poly = schedule('polynomial', { initialSparsity: 0.1, finalSparsity: 0.9, beginStep: 100, endStep: 1100, frequency: 100 })

  it.each([
    ['before beginStep: nothing is pruned yet', 99, 0],
    ['at beginStep: initialSparsity', 100, 0.1],
    ['one Δt in', 200, zhuGupta(0.1, 0.9, 100, 1000, 200)],
    ['half way', 600, zhuGupta(0.1, 0.9, 100, 1000, 600)],
    ['between prunes: the value of the last prune step', 650, zhuGupta(0.1, 0.9, 100, 1000, 600)],
    ['just before the last prune', 1099, zhuGupta(0.1, 0.9, 100, 1000, 1000)],
    ['at endStep: finalSparsity', 1100, 0.9],
    ['after endStep: finalSparsity', 5000, 0.9],
  ])('%s (step %i)', (_case, step, expected) => {
    expect(poly(step)).toBeCloseTo(expected, 12)
  })

  it('gives 0.7875 half way from 0 to 0.9 with the default power 3', () => {
    expect(schedule('polynomial', { finalSparsity: 0.9, endStep: 100 })(50)).toBeCloseTo(0.9 - 0.9 * 0.5 ** 3, 12)
  })

  it('reaches finalSparsity at endStep even when endStep - beginStep is no multiple of frequency', () => {
    const s = schedule('polynomial', { finalSparsity: 0.8, endStep: 250, frequency: 100 })
    expect([0, 99, 100, 199, 200, 249, 250].map(s)).toEqual([0, 0, zhuGupta(0, 0.8, 0, 250, 100), zhuGupta(0, 0.8, 0, 250, 100), zhuGupta(0, 0.8, 0, 250, 200), zhuGupta(0, 0.8, 0, 250, 200), 0.8])
  })

  it('never falls, and changes only every frequency steps', () => {
    const values = Array.from({ length: 1300 }, (_, t) => poly(t))
    values.forEach((v, t) => t > 0 && expect(v).toBeGreaterThanOrEqual(values[t - 1]))
    const changes = values.flatMap((v, t) => (t > 0 && v !== values[t - 1] ? [t] : []))
    expect(changes).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100])
  })
})

describe.each([
  ['linear', { initialSparsity: 0.2, finalSparsity: 0.8, endStep: 10, frequency: 2 }, [0, 1, 2, 5, 9, 10, 11], [0.2, 0.2, 0.32, 0.44, 0.68, 0.8, 0.8]],
  ['constant', { sparsity: 0.9, beginStep: 3 }, [0, 2, 3, 100], [0, 0, 0.9, 0.9]],
  ['geometric', { rate: 0.5 }, [0, 1, 2, 3, 4], [0, 0.5, 0.75, 0.875, 0.9375]],
  ['geometric', { rate: 0.2, frequency: 10, beginStep: 5 }, [4, 5, 14, 15, 25, 35], [0, 0, 0, 0.2, 0.36, 1 - 0.8 ** 3]],
  ['geometric', { rate: 0.5, initialSparsity: 0.2, finalSparsity: 0.9 }, [0, 1, 2, 3], [0.2, 0.6, 0.8, 0.9]],
])('%s %j', (name, options, steps, expected) => {
  it('matches the formula at known steps', () => {
    const s = schedule(name, options)
    steps.forEach((step, i) => expect(s(step)).toBeCloseTo(expected[i], 12))
  })
})

describe('every schedule', () => {
  it('is registered by the plugin under its name', () => {
    expect(registry.schedules.names()).toEqual(Object.keys(builtinSchedules))
  })

  it('is a pure function of the step: any order of calls gives the same values', () => {
    const s = schedule('polynomial', { finalSparsity: 0.95, endStep: 40, frequency: 4 })
    const forward = Array.from({ length: 50 }, (_, t) => s(t))
    const backward = Array.from({ length: 50 }, (_, t) => s(49 - t)).reverse()
    expect(backward).toEqual(forward)
  })

  it.each([
    ['polynomial', { finalSparsity: 0.9, beginStep: 10, endStep: 10 }, 'endStep: endStep (10) must come after beginStep (10)'],
    ['polynomial', { initialSparsity: 0.5, finalSparsity: 0.4, endStep: 10 }, 'finalSparsity: finalSparsity (0.4) is below initialSparsity (0.5); masks only grow'],
    ['linear', { finalSparsity: 1.5, endStep: 10 }, 'finalSparsity: Too big: expected number to be <=1'],
    ['geometric', { rate: 1 }, 'rate: Too big: expected number to be <1'],
    ['constant', { sparsity: 0.5, frequency: 3 }, ': Unrecognized key: "frequency"'],
  ])('rejects bad %s options %j', (name, options, message) => {
    const result = registry.schedules.get(name).options.safeParse(options)
    expect(result.success).toBe(false)
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain(message)
  })
})
