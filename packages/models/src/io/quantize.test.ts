import * as tf from '@tensorflow/tfjs-core'
import { ModelError, setupBackend } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { float16Bits, quantizeValues, type QuantizeDtype } from './quantize.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

/** Decodes with tfjs-core's own decoder, as tf.loadLayersModel does. */
function stockDecode(values: Float32Array, dtype: QuantizeDtype): { decoded: Float32Array; scale: number } {
  const { quantization, data } = quantizeValues(values, dtype, 'w')
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer
  const tensor = tf.io.decodeWeights(buffer, [{ name: 'w', shape: [values.length], dtype: 'float32', quantization }]).w
  const decoded = tensor.dataSync() as Float32Array
  tensor.dispose()
  return { decoded, scale: quantization.scale ?? 0 }
}

const pattern = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i))
const pruned = pattern(997, (i) => (i % 10 < 9 ? 0 : Math.sin(i * 1.7) * 0.3 + (i % 7) * 0.01))

const cases: Array<[string, Float32Array]> = [
  ['a pruned tensor (90% zeros, mixed signs)', pruned],
  ['all zeros', new Float32Array(64)],
  ['a constant positive tensor', new Float32Array(50).fill(0.37)],
  ['a constant negative tensor', new Float32Array(50).fill(-2.5)],
  ['all positive with pruned zeros', pattern(300, (i) => (i % 3 ? 0.1 + i * 0.001 : 0))],
  ['all negative with pruned zeros', pattern(300, (i) => (i % 3 ? -0.1 - i * 0.002 : 0))],
  ['all positive, no zero at all', pattern(200, (i) => 5 + i * 0.01)],
  ['all negative, no zero at all', pattern(200, (i) => -5 - i * 0.01)],
  ['lopsided (a range far from symmetric)', pattern(500, (i) => (i % 4 ? (i % 5) * 1e-3 - 1e-3 : 12 * Math.cos(i)))],
  ['tiny values', pattern(100, (i) => (i % 2 ? 0 : (i - 50) * 1e-8))],
  ['negative zeros', pattern(20, (i) => (i % 2 ? -0 : i))],
]

describe.each(['uint8', 'uint16'] as const)('%s quantization, decoded by tf.io.decodeWeights', (dtype) => {
  it.each(cases)('%s: zeros decode to exactly 0 and every weight is within scale / 2', (_name, values) => {
    const { decoded, scale } = stockDecode(values, dtype)
    expect(scale).toBeGreaterThan(0)
    let worst = 0
    for (let i = 0; i < values.length; i++) {
      if (values[i] === 0) expect(decoded[i]).toBe(0)
      // scale / 2 from the rounding, plus the float32 rounding of the decoded value itself.
      worst = Math.max(worst, Math.abs(decoded[i] - values[i]) - Math.abs(values[i]) * 2 ** -24)
    }
    expect(worst).toBeLessThanOrEqual(scale / 2)
  })

  it('uses the full code range (scale is (max - min) / levels, with 0 inside the range)', () => {
    const { quantization, data } = quantizeValues(Float32Array.of(-1, 0, 3), dtype, 'w')
    const top = dtype === 'uint8' ? 255 : 65535
    expect(quantization.scale).toBeCloseTo(4 / top, 12)
    expect(Math.max(...data)).toBe(top)
    expect(Math.min(...data)).toBe(0)
  })
})

describe('float16 quantization', () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [1 / 3, 0x3555],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // a tie, to even: 0
    [1.5 * 2 ** -25, 0x0001],
    [3 * 2 ** -25, 0x0002], // a tie, to even: 2
    [1 + 2 ** -11, 0x3c00], // a tie, to even: 1
    [1 + 3 * 2 ** -11, 0x3c02], // a tie, to even
    [2 ** -14 - 2 ** -25, 0x0400], // rounds up across the subnormal/normal boundary
    [1e-10, 0x0000],
  ])('encodes %d as 0x%s bit-exactly', (value, bits) => {
    expect(float16Bits(value)).toBe(bits)
  })

  it.each(cases)('%s: zeros stay 0 and stock decoding is within half a float16 step', (_name, values) => {
    const { decoded } = stockDecode(values, 'float16')
    for (let i = 0; i < values.length; i++) {
      if (values[i] === 0) expect(Math.abs(decoded[i])).toBe(0) // -0 keeps its sign bit, as IEEE half does
      const step = Math.max(2 ** -24, 2 ** (Math.floor(Math.log2(Math.abs(values[i]) || 1)) - 10))
      expect(Math.abs(decoded[i] - values[i])).toBeLessThanOrEqual(step / 2)
    }
  })

  it('refuses a value beyond 65504, naming the weight', () => {
    expect(() => quantizeValues(Float32Array.of(1, 70000), 'float16', 'dense/kernel')).toThrow(/weight "dense\/kernel" to float16: value 1 \(70000\) is beyond float16's largest/)
  })
})

describe.each(['uint8', 'uint16', 'float16'] as const)('%s refuses non-finite values', (dtype) => {
  it.each([NaN, Infinity, -Infinity])('%d, naming the weight and the index', (bad) => {
    const error = (() => {
      try {
        quantizeValues(Float32Array.of(0, 1, bad), dtype, 'conv/kernel')
      } catch (e) {
        return e as Error
      }
    })()
    expect(error).toBeInstanceOf(ModelError)
    expect(error?.message).toBe(`Cannot quantize weight "conv/kernel": value 2 is ${bad}. Export it as float32 (exclude it), or fix the training that produced it.`)
  })
})
