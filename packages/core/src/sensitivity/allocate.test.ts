import { describe, expect, it } from 'vitest'
import { PruneError } from '../errors.js'
import { allocateBudget, allocateSparsity, interpolate, predictResource } from './allocate.js'
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

describe('allocateBudget', () => {
  // Bytes fall by 4 per pruned weight in a and by 1 in b, so a's weights save more per loss.
  const withBytes = (base: ReturnType<typeof curves>) => ({
    ...base,
    baseline: { ...base.baseline, bytes: 1000 },
    layers: base.layers.map((l, i) => ({ ...l, points: l.points.map((p) => ({ ...p, bytes: 1000 - (i === 0 ? 4 : 1) * p.sparsity * l.weights })) })),
  })
  const costly = withBytes(curves({ a: { weights: 100, losses: { 0.5: 1.5, 0.9: 2 } }, b: { weights: 100, losses: { 0.5: 1.1, 0.9: 1.3 } } }))

  it.each([
    // Per byte saved: b's first half costs 0.002, a's first half 0.0025, a's rest 0.0031, b's rest 0.005.
    // 100 bytes: b's half (50), then 50 of a's first 200 (a at 12.5%, rounded to 13 weights).
    [900, [13, 50], 898],
    // 300 bytes: b's half, a's half (200), then 50 of a's rest (a at 62.5%).
    [700, [63, 50], 698],
    // 440 bytes: all of a (360), then 30 of b's dear rest (b at 80%).
    [560, [90, 80], 560],
  ])('meets a budget of %s bytes with the least loss per byte saved: %j', (limit, pruned, bytes) => {
    const allocation = allocateBudget(costly, { resource: 'bytes', limit })
    expect(allocation.layers.map((l) => l.pruned)).toEqual(pruned)
    expect(predictResource(costly, allocation.layers, 'bytes', 1000)).toBeCloseTo(bytes, 0)
  })

  it('prunes nothing when the model is within the budget already', () => {
    expect(allocateBudget(costly, { resource: 'bytes', limit: 1000 }).layers.map((l) => l.pruned)).toEqual([0, 0])
  })

  it('names the key and the smallest size the curves reach when the budget is impossible', () => {
    expect(() => allocateBudget(costly, { resource: 'bytes', limit: 500 })).toThrow(/prune\.bytes: 500 is below the smallest the sensitivity curves reach, 550 bytes of the sparse export .*Raise bytes to at least 550/)
  })

  it('says which metric was missing when the curves hold no bytes', () => {
    expect(() => allocateBudget(twoLayers, { resource: 'macs', limit: 10 })).toThrow(/prune\.macs: the sensitivity curves hold no macs, because no "flops" metric was registered/)
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
