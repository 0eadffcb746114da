import { ModelError } from '@prunekit/core'

/** The stock tfjs weight quantizations: tfjs-core's `io.decodeWeights` reads all three. */
export type QuantizeDtype = 'uint8' | 'uint16' | 'float16'

/** What goes into a weight's `quantization` entry in model.json (`min` and `scale` only for uint8 / uint16). */
export interface Quantization {
  dtype: QuantizeDtype
  /** The value of code 0: `-zero * scale`, so that 0.0 is a code. */
  min?: number
  /** The step between codes: a value decodes to `code * scale + min`. */
  scale?: number
}

/** One weight, quantized: its manifest entry and its codes. */
export interface Quantized {
  /** The `quantization` field of the weight's model.json entry. */
  quantization: Quantization
  /** The codes, in the byte layout tfjs reads (platform byte order, like the rest of weights.bin). */
  data: Uint8Array | Uint16Array
}

const levels: Record<'uint8' | 'uint16', number> = { uint8: 255, uint16: 65535 }

function refuseNonFinite(values: Float32Array, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ModelError(`Cannot quantize weight "${name}": value ${i} is ${values[i]}. Export it as float32 (exclude it), or fix the training that produced it.`)
    }
  }
}

/**
 * Affine uint8 / uint16 codes. The range always contains 0 and `min` is nudged, as tfjs-converter does,
 * so that 0.0 is exactly the code `zero`: tfjs decodes `zero * scale + min`, which is `x + -x`, exactly 0.
 * Every other value is off by at most scale / 2 (before float32 rounding of the decoded value).
 */
function affine(values: Float32Array, dtype: 'uint8' | 'uint16'): Quantized {
  let lo = 0
  let hi = 0
  for (const v of values) {
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  const top = levels[dtype]
  // All zeros: any scale decodes code 0 to 0; 1 keeps the manifest free of 0 and NaN.
  const scale = hi === lo ? 1 : (hi - lo) / top
  const zero = Math.min(top, Math.max(0, Math.round(-lo / scale)))
  const min = zero === 0 ? 0 : -(zero * scale)
  const data = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) data[i] = Math.min(top, Math.max(0, Math.round(values[i] / scale) + zero))
  return { quantization: { dtype, min, scale }, data }
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** Rounds `m / 2^shift` to the nearest integer, ties to even (shift in 1..31). */
function roundShift(m: number, shift: number): number {
  const q = m >>> shift
  const rest = m & ((1 << shift) - 1)
  const half = 1 << (shift - 1)
  return rest > half || (rest === half && q & 1) ? q + 1 : q
}

/** The IEEE 754 half-precision bits of a float32, rounded to nearest even; 65520 and beyond give Infinity's bits. */
export function float16Bits(value: number): number {
  f32[0] = value
  const bits = u32[0]
  const sign = (bits >>> 16) & 0x8000
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15
  const mantissa = bits & 0x7fffff
  if (exponent === 0xff - 127 + 15) return sign | 0x7c00 | (mantissa ? 0x200 : 0)
  if (exponent >= 0x1f) return sign | 0x7c00
  if (exponent <= 0) {
    // A half subnormal: m * 2^-24. Float32 subnormals and anything below 2^-25 round to 0.
    const shift = 14 - exponent
    return shift > 25 ? sign : sign | roundShift(mantissa | 0x800000, shift)
  }
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity's bits).
  return sign | roundShift((exponent << 23) | mantissa, 13)
}

function float16(values: Float32Array, name: string): Quantized {
  const data = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) {
    data[i] = float16Bits(values[i])
    if ((data[i] & 0x7c00) === 0x7c00) {
      throw new ModelError(`Cannot quantize weight "${name}" to float16: value ${i} (${values[i]}) is beyond float16's largest, 65504. Use uint16 or uint8, or exclude the weight.`)
    }
  }
  return { quantization: { dtype: 'float16' }, data }
}

/**
 * Quantizes float32 weights into the codes and manifest entry stock tfjs dequantizes on load.
 * Zero-preserving: exact zeros (pruned weights) decode to exactly 0.0. NaN and ±Infinity are refused,
 * naming the weight.
 */
export function quantizeValues(values: Float32Array, dtype: QuantizeDtype, name: string): Quantized {
  refuseNonFinite(values, name)
  return dtype === 'float16' ? float16(values, name) : affine(values, dtype)
}
