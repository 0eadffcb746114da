import { describe, expect, it } from 'vitest'
import { createRng } from '@prunekit/core'
import { paretoFront } from './pareto.js'

/** The plain definition: sorted by cost, a point is on the front when it is better than every cheaper one. */
function reference(points: Array<{ cost: number; quality: number }>): number[] {
  const order = points.map((p, i) => ({ ...p, i })).sort((a, b) => a.cost - b.cost || b.quality - a.quality)
  const front: number[] = []
  let best = -Infinity
  let bestCost = NaN
  for (const p of order) {
    if (p.quality > best || (p.quality === best && p.cost === bestCost)) front.push(p.i)
    if (p.quality > best) [best, bestCost] = [p.quality, p.cost]
  }
  return front.sort((a, b) => a - b)
}

describe('paretoFront', () => {
  it('keeps the trials no other beats on both cost and quality', () => {
    const points = [{ cost: 10, quality: 0.9 }, { cost: 5, quality: 0.8 }, { cost: 20, quality: 0.85 }, { cost: 5, quality: 0.7 }, { cost: 30, quality: 0.95 }]
    expect(paretoFront(points)).toEqual([0, 1, 4])
  })

  it('keeps exact ties together', () => {
    expect(paretoFront([{ cost: 1, quality: 0.5 }, { cost: 1, quality: 0.5 }, { cost: 2, quality: 0.5 }])).toEqual([0, 1])
  })

  it.each([1, 2, 3, 4, 5])('agrees with a plain reference on random points (seed %i)', (seed) => {
    const rng = createRng(seed)
    const points = Array.from({ length: 40 }, () => ({ cost: rng.int(12), quality: rng.int(8) / 8 }))
    expect(paretoFront(points)).toEqual(reference(points))
  })
})
