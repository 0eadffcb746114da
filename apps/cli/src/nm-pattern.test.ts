import { describe, expect, it } from 'vitest'
import { meetsNm, nmLabel } from './nm-pattern.js'

/** A Dense kernel [inputs, outputs] (row-major) whose column `o` keeps the inputs `keep(i, o)` says. */
function kernel(inputs: number, outputs: number, keep: (i: number, o: number) => boolean): Float32Array {
  const values = new Float32Array(inputs * outputs)
  for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) values[i * outputs + o] = keep(i, o) ? 1 + i + o : 0
  return values
}

describe('N:M patterns along the input axis', () => {
  it.each([
    ['every other input kept', (i: number) => i % 2 === 0, '2:4'],
    ['one input in four kept', (i: number) => i % 4 === 3, '1:4'],
    ['the first half of each 8 kept', (i: number) => i % 8 < 4, '4:8'],
    ['three in four kept', (i: number) => i % 4 !== 0, undefined],
    ['dense', () => true, undefined],
  ])('names the sparsest pattern a Dense kernel meets: %s', (_case, keep, label) => {
    expect(nmLabel(kernel(16, 3, keep), [16, 3])).toBe(label)
  })

  it('groups inputs per output column, not along the flat array', () => {
    // Column 0 keeps inputs 0-1 of each 4, column 1 inputs 2-3: 2:4 per column, though runs along rows are dense.
    const values = kernel(8, 2, (i, o) => (o === 0 ? i % 4 < 2 : i % 4 >= 2))
    expect(meetsNm(values, [8, 2], { n: 2, m: 4 })).toBe(true)
    values[1 * 2 + 1] = 5 // a third nonzero in column 1's first group
    expect(meetsNm(values, [8, 2], { n: 2, m: 4 })).toBe(false)
  })

  it('checks every spatial position of a conv kernel [kh, kw, in, out]', () => {
    const values = new Float32Array(2 * 2 * 4 * 1)
    for (let block = 0; block < 4; block++) values.set([1, 0, 1, 0], block * 4)
    expect(nmLabel(values, [2, 2, 4, 1])).toBe('2:4')
    values[3 * 4 + 1] = 1 // the last position gets a third nonzero
    expect(nmLabel(values, [2, 2, 4, 1])).toBe(undefined)
  })

  it('never calls a kernel compliant when its inputs do not split into whole groups', () => {
    expect(nmLabel(new Float32Array(6), [1, 6])).toBe(undefined) // one input channel: a conv's first layer
    expect(nmLabel(new Float32Array(6), [6])).toBe(undefined)
  })
})
