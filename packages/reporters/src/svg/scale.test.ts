import { describe, expect, it } from 'vitest'
import { countFormat, decimalFormat, percentFormat } from './axis.js'
import { countTicks, decadeCeil, linearScale, linearTicks, log1pScale, niceDomain, niceStep } from './scale.js'

describe('scales', () => {
  it('maps a linear domain onto a range, flipped for y', () => {
    const y = linearScale([0, 1], [300, 100])
    expect([y(0), y(0.5), y(1)]).toEqual([300, 200, 100])
  })

  it('puts a count of 0 on the baseline of a log scale and gives each decade the same height', () => {
    const y = log1pScale(1e5, [400, 0])
    expect(y(0)).toBe(400)
    expect(y(1e5)).toBeCloseTo(0, 3)
    expect(y(99) - y(999)).toBeCloseTo(y(999) - y(9999), 1)
  })

  it.each([
    [0.76, 8, 0.1],
    [1, 5, 0.2],
    [0.035, 5, 0.005],
    [240_000, 6, 50_000],
  ])('finds a 1-2-5 step for a span of %d in about %d parts: %d', (span, count, step) => {
    expect(niceStep(span, count)).toBeCloseTo(step, 12)
  })

  it('places ticks on multiples of the step, with an exact zero', () => {
    expect(linearTicks(-0.38, 0.38, 8)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3])
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceDomain(0.9125, 0.9575, 5)).toEqual([0.91, 0.96])
  })

  it('ends a count axis on a power of ten and labels only the decades that have room', () => {
    expect([decadeCeil(0), decadeCeil(7), decadeCeil(10), decadeCeil(219_165)]).toEqual([1, 10, 10, 1e6])
    expect(countTicks(1e3, log1pScale(1e3, [300, 0]))).toEqual([0, 1, 10, 100, 1000])
    expect(countTicks(1e6, log1pScale(1e6, [200, 0]))).toEqual([0, 10, 100, 1e3, 1e4, 1e5, 1e6])
    expect(countTicks(1e6, log1pScale(1e6, [60, 0]))).toEqual([0, 100, 1e4, 1e6])
  })

  it('formats tick labels for their step', () => {
    expect([0.1, -0.3, 0].map(decimalFormat(0.1))).toEqual(['0.1', '-0.3', '0.0'])
    expect([-0.0001, 0.005].map(decimalFormat(0.005))).toEqual(['0.000', '0.005'])
    expect([0, 10, 1000, 250_000, 1e6].map(countFormat)).toEqual(['0', '10', '1k', '250k', '1M'])
    expect(percentFormat(0.9)).toBe('90%')
  })
})
