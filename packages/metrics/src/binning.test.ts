import { createRng } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { defaultBins, edgesProblem, histogram, symmetricEdges } from './binning.js'

/** Reference: a linear scan for the bin of each value, last bin closed, outside values clamped. */
function referenceHistogram(values: ArrayLike<number>, edges: number[]): number[] {
  const bins = edges.length - 1
  const counts = new Array<number>(bins).fill(0)
  for (const v of Array.from(values)) {
    if (Number.isNaN(v)) continue
    let bin = v < edges[0] ? 0 : bins - 1
    for (let b = 0; b < bins; b++) {
      if (edges[b] <= v && v < edges[b + 1]) {
        bin = b
        break
      }
    }
    counts[bin]++
  }
  return counts
}

describe('symmetricEdges', () => {
  it.each([
    [1, 41],
    [0.3712, 41],
    [1e-7, 5],
    [123.456, 1],
    [2.5, 101],
  ])('spans [-%d, %d] in %d ascending, mirror-exact bins', (maxAbs, bins) => {
    const edges = symmetricEdges(maxAbs, bins)
    expect(edges).toHaveLength(bins + 1)
    expect(edges[0]).toBe(-maxAbs)
    expect(edges[bins]).toBe(maxAbs)
    for (let i = 0; i <= bins; i++) expect(edges[i]).toBe(-edges[bins - i])
    expect(edgesProblem(edges)).toBeUndefined()
  })

  it('puts zero in the middle of the centre bin when bins is odd', () => {
    const edges = symmetricEdges(0.8, defaultBins)
    const centre = (defaultBins - 1) / 2
    expect(edges[centre]).toBeLessThan(0)
    expect(edges[centre + 1]).toBeGreaterThan(0)
    expect(edges[centre] + edges[centre + 1]).toBe(0)
    expect(histogram(Float32Array.of(0, -0), edges)[centre]).toBe(2)
  })

  it.each([
    ['zero range', 0, 41],
    ['negative range', -1, 41],
    ['NaN range', NaN, 41],
    ['infinite range', Infinity, 41],
    ['no bins', 1, 0],
    ['fractional bins', 1, 2.5],
  ])('rejects %s', (_, maxAbs, bins) => {
    expect(() => symmetricEdges(maxAbs, bins)).toThrow(RangeError)
  })
})

describe('histogram', () => {
  it.each([
    ['values inside', [-0.9, -0.1, 0, 0.1, 0.9], [-1, 0, 1], [2, 3]],
    ['values on every edge (the last bin is closed)', [-1, 0, 1], [-1, 0, 1], [1, 2]],
    ['values outside, clamped into the end bins', [-5, -1.5, 1.5, 5, Infinity, -Infinity], [-1, 0, 1], [3, 3]],
    ['NaN, which belongs to no bin', [NaN, 0.5], [-1, 0, 1], [0, 1]],
    ['a single bin', [-3, 0, 3], [-1, 1], [3]],
    ['no values', [], [-1, 0, 1], [0, 0]],
  ])('counts %s', (_, values, edges, expected) => {
    expect(histogram(Float32Array.from(values), edges)).toEqual(expected)
  })

  it.each([
    ['float64 values', 1, 0.5 + Math.PI / 7, 41, (n: number) => new Array<number>(n).fill(0)],
    ['float64 values', 2, 1.37, 41, (n: number) => new Array<number>(n).fill(0)],
    // Power-of-two edges are exact in float32, so planted edge values stay on the edges.
    ['float32 values', 3, 4, 64, (n: number) => new Float32Array(n)],
  ])('matches a linear-scan reference on random %s and values exactly on edges (seed %d)', (_, seed, maxAbs, bins, alloc) => {
    const rng = createRng(seed)
    const edges = symmetricEdges(maxAbs, bins)
    const values = alloc(3000)
    for (let i = 0; i < values.length; i++) values[i] = (rng.next() - 0.5) * 3 * maxAbs
    edges.forEach((edge, i) => (values[i] = edge))
    values[edges.length] = edges[0] - 1e-3
    values[edges.length + 1] = edges[bins] + 1e-3
    edges.forEach((edge, i) => expect(values[i]).toBe(edge))
    const counts = histogram(values, edges)
    expect(counts).toEqual(referenceHistogram(values, edges))
    expect(counts.reduce((a, b) => a + b, 0)).toBe(values.length)
  })

  it.each([
    ['fewer than two edges', [0]],
    ['descending edges', [1, 0]],
    ['repeated edges', [-1, 0, 0, 1]],
    ['a non-finite edge', [-Infinity, 0, 1]],
  ])('rejects %s', (_, edges) => {
    expect(() => histogram(Float32Array.of(0), edges)).toThrow(RangeError)
  })
})
