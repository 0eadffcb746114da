import { describe, expect, it } from 'vitest'
import { allocateUnits, minimumKept, roundKept, topUnits, type AllocationOptions } from './allocation.js'

const options = (o: Partial<AllocationOptions> = {}): AllocationOptions => ({ ratio: 0.5, scope: 'layer', maxRatio: 0.9, roundTo: 1, ...o })
const scores = (...values: number[]) => Float64Array.from(values)
const ramp = (n: number, scale = 1) => Float64Array.from({ length: n }, (_, i) => (i + 1) * scale)
const kept = (result: Map<number, Int32Array>) => Object.fromEntries([...result].map(([id, units]) => [id, Array.from(units)]))

describe('unit allocation', () => {
  it('keeps the highest-scoring units of each layer, in their original order', () => {
    expect(kept(allocateUnits([{ id: 0, scores: scores(5, 1, 4, 2, 3, 6) }], options()))).toEqual({ 0: [0, 2, 5] })
  })

  it('breaks ties toward the lower index, so the choice is deterministic', () => {
    expect(Array.from(topUnits(scores(1, 1, 1, 1), 2))).toEqual([0, 1])
    expect(Array.from(topUnits(scores(NaN, 0, -1), 1))).toEqual([1])
  })

  it.each([
    // size, ratio, maxRatio, roundTo, kept
    [300, 0.5, 0.9, 1, 150],
    [100, 0.5, 0.9, 8, 48],
    [300, 0.5, 0.9, 8, 152],
    [10, 0.95, 0.9, 1, 1],
    [10, 0.5, 0.2, 1, 8],
    [10, 0.99, 1, 1, 1],
    [6, 0.5, 0.9, 8, 6],
    [20, 0.8, 0.9, 8, 8],
  ])('a layer of %i units at ratio %d (maxRatio %d, roundTo %i) keeps %i', (size, ratio, maxRatio, roundTo, count) => {
    const result = allocateUnits([{ id: 3, scores: ramp(size) }], options({ ratio, maxRatio, roundTo }))
    expect(result.get(3)?.length ?? size).toBe(count)
  })

  it('returns nothing for a group that keeps every unit', () => {
    expect(allocateUnits([{ id: 0, scores: ramp(4) }], options({ ratio: 0 })).size).toBe(0)
  })

  it("cuts globally on scores normalised per layer, within each layer's cap", () => {
    // Layer 1's scores are 100x larger but equally spread, so both lose about the same share.
    const result = allocateUnits([{ id: 0, scores: ramp(10) }, { id: 1, scores: ramp(10, 100) }], options({ scope: 'global', ratio: 0.5 }))
    expect([result.get(0)!.length, result.get(1)!.length]).toEqual([5, 5])
    // A layer whose units all look alike loses more than one with a few strong units, but never beyond maxRatio.
    const skewed = allocateUnits([{ id: 0, scores: scores(1, 1, 1, 1, 1, 1, 1, 1, 1, 1) }, { id: 1, scores: scores(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 10, 10) }], options({ scope: 'global', ratio: 0.5, maxRatio: 0.8 }))
    expect([skewed.get(0)?.length ?? 10, skewed.get(1)!.length]).toEqual([8, 2])
  })

  it('cuts a group with its own ratio apart from the global pool', () => {
    const result = allocateUnits([{ id: 0, scores: ramp(8), ratio: 0.25 }, { id: 1, scores: ramp(8) }, { id: 2, scores: ramp(8) }], options({ scope: 'global', ratio: 0.5 }))
    expect([0, 1, 2].map((id) => result.get(id)!.length)).toEqual([6, 4, 4])
  })

  it.each([
    [10, 0.9, 1],
    [10, 0.5, 5],
    [7, 1, 1],
    [3, 0, 3],
  ])('keeps at least minimumKept(%i, %d) = %i', (size, maxRatio, expected) => {
    expect(minimumKept(size, maxRatio)).toBe(expected)
  })

  it('rounds kept counts to multiples of roundTo, never below the minimum or above the size', () => {
    expect(roundKept(150, 300, 30, 8)).toBe(152)
    expect(roundKept(3, 300, 1, 8)).toBe(8)
    expect(roundKept(33, 300, 35, 8)).toBe(40)
    expect(roundKept(298, 300, 1, 8)).toBe(296)
    expect(roundKept(300, 300, 1, 8)).toBe(300)
    expect(roundKept(5, 6, 1, 8)).toBe(6)
  })
})
