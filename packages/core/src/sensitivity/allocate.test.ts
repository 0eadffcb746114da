import { describe, expect, it } from 'vitest'
import { PruneError } from '../errors.js'
import { allocateSparsity, interpolate } from './allocate.js'
import type { SensitivityCurves } from './curves.js'

/** Loss at each probed sparsity; accuracy falls by the loss increase, mass removed is the sparsity squared. */
function curves(layers: Record<string, { weights: number; losses: Record<number, number> }>, mode: 'data' | 'data-free' = 'data'): SensitivityCurves {
  return {
    strategy: 'magnitude',
    mode,
    split: 'train[0:10]',
    baseline: { loss: 1, accuracy: 0.9 },
    layers: Object.entries(layers).map(([name, { weights, losses }]) => ({
      name,
      weights,
      points: Object.entries({ 0: 1, ...losses }).map(([s, loss]) => ({ sparsity: Number(s), loss, accuracy: 0.9 - (loss - 1) / 10, massRemoved: Number(s) ** 2 })),
    })),
  }
}

const twoLayers = curves({ a: { weights: 100, losses: { 0.5: 1, 0.9: 1.5 } }, b: { weights: 100, losses: { 0.5: 1.2, 0.9: 2 } } })

describe('allocateSparsity', () => {
  it.each([
    // 100 of 200: a's free half, then b's cheaper half (0.004 per weight) before a's dear rest (0.0125).
    [0.5, [50, 50], 1.2],
    // 120: the next 20 come from a at 0.0125 per weight; a at 70% interpolates to 1.25.
    [0.6, [70, 50], 1.45],
    [0.9, [90, 90], 2.5],
  ])('meets sparsity %s exactly with the cheapest weights: %j', (sparsity, pruned, loss) => {
    const allocation = allocateSparsity(twoLayers, sparsity)
    expect(allocation.layers.map((l) => l.pruned)).toEqual(pruned)
    expect(allocation.layers.reduce((n, l) => n + l.pruned, 0)).toBe(Math.round(sparsity * 200))
    expect(allocation.predicted.loss).toBeCloseTo(loss, 10)
    expect(allocation.predicted.accuracy).toBeCloseTo(0.9 - (loss - 1) / 10, 10)
    expect(allocation.objective).toBe('loss')
  })

  it('follows the lower convex hull of a curve, so a cheap high level is reached through a dear one', () => {
    // c's 50% costs 0.5 but its 90% only 0.6: along the hull, 90 weights at 0.0067 each beat d's 0.01.
    const allocation = allocateSparsity(curves({ c: { weights: 100, losses: { 0.5: 1.5, 0.9: 1.6 } }, d: { weights: 100, losses: { 0.9: 1.9 } } }), 0.45)
    expect(allocation.layers.map((l) => l.pruned)).toEqual([90, 0])
  })

  it('data-free, minimises the summed fraction of squared mass removed and predicts nothing', () => {
    const allocation = allocateSparsity(curves({ a: { weights: 300, losses: { 0.5: 1, 0.9: 1 } }, b: { weights: 100, losses: { 0.5: 1, 0.9: 1 } } }, 'data-free'), 0.5)
    expect(allocation.objective).toBe('mass')
    expect(allocation.predicted).toEqual({ loss: null, accuracy: null })
    // A fraction of the big layer's mass costs less per weight: 150 at 0.0017, then 50 more at 0.0047 before b's 0.005.
    expect(allocation.layers.map((l) => l.pruned)).toEqual([200, 0])
  })

  it('says which levels to add when the target is beyond the curves', () => {
    expect(() => allocateSparsity(twoLayers, 0.95)).toThrow(PruneError)
    expect(() => allocateSparsity(twoLayers, 0.95)).toThrow(/cannot reach sparsity 0.95: the curves go up to 0.9 per layer.*Add higher levels/)
  })
})

describe('interpolate', () => {
  it.each([
    [0, 1],
    [0.25, 1.1],
    [0.5, 1.2],
    [0.7, 1.6],
    [0.9, 2],
    [0.95, 2],
  ])('reads a curve linearly between probes at %s', (s, expected) => {
    const points = twoLayers.layers[1].points
    expect(interpolate(points, s, (p) => p.loss!)).toBeCloseTo(expected, 10)
  })
})
