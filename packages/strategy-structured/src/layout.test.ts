import { describe, expect, it } from 'vitest'
import { keptIndices, layoutLength, normalizeLayout, sameShape, type Layout } from './layout.js'

const sizes: Record<number, number> = { 0: 3, 1: 2, 2: 4 }
const sizeOf = (g: number) => sizes[g]
const keep: Record<number, number[]> = { 0: [0, 2], 2: [1] }
const kept = (g: number) => (keep[g] ? Int32Array.from(keep[g]) : undefined)
const indices = (layout: Layout) => Array.from(keptIndices(layout, sizeOf, kept) ?? [])

describe('channel layouts', () => {
  it.each<[string, Layout, number, number[]]>([
    ['one group', [{ positions: 1, segments: [{ group: 0, expand: 1 }] }], 3, [0, 2]],
    ['groups side by side (Concatenate)', [{ positions: 1, segments: [{ group: 0, expand: 1 }, { group: 1, expand: 1 }, { group: 2, expand: 1 }] }], 9, [0, 2, 3, 4, 6]],
    ['a depthwise expansion (multiplier 2)', [{ positions: 1, segments: [{ group: 0, expand: 2 }] }], 6, [0, 1, 4, 5]],
    ['a channels-last Flatten of 2 positions', [{ positions: 2, segments: [{ group: 0, expand: 1 }, { group: 1, expand: 1 }] }], 10, [0, 2, 3, 4, 5, 7, 8, 9]],
    ['a Dense output next to a flattened tensor', [{ positions: 1, segments: [{ group: 2, expand: 1 }] }, { positions: 2, segments: [{ group: 0, expand: 1 }] }], 10, [1, 4, 6, 7, 9]],
  ])('%s keeps the right indices, in order', (_, layout, length, expected) => {
    expect(layoutLength(layout, sizeOf)).toBe(length)
    expect(indices(layout)).toEqual(expected)
  })

  it('keeps everything (undefined) when no group on the axis loses units', () => {
    expect(keptIndices([{ positions: 4, segments: [{ group: 1, expand: 1 }] }], sizeOf, kept)).toBeUndefined()
  })

  it('joins adjacent single-position blocks, and keeps flattened blocks apart', () => {
    const a = { positions: 1, segments: [{ group: 0, expand: 1 }] }
    const b = { positions: 1, segments: [{ group: 1, expand: 1 }] }
    const flat = { positions: 3, segments: [{ group: 2, expand: 1 }] }
    expect(normalizeLayout([a, b, flat, a])).toEqual([{ positions: 1, segments: [...a.segments, ...b.segments] }, flat, a])
  })

  it('lines layouts up channel for channel only when their blocks agree', () => {
    const one = (group: number, expand = 1): Layout => [{ positions: 1, segments: [{ group, expand }] }]
    expect(sameShape(one(0), one(0), sizeOf)).toBe(true)
    expect(sameShape(one(0), one(1), sizeOf)).toBe(false)
    expect(sameShape(one(1, 2), one(2), sizeOf)).toBe(false)
  })
})
