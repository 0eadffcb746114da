import type * as tf from '@tensorflow/tfjs-core'
import { ModelError } from '@prunekit/core'
import type { SparseEncoding, SparseModelJson, SparseWeight } from '@prunekit/sparse-loader'

/** A sparse export in memory: write `modelJson` as model.json and `data` under the name `modelJson.data`, beside it. */
export interface SparseExport {
  /** model.json's content: no `modelTopology` or `weightsManifest`, so stock tfjs refuses it. */
  modelJson: SparseModelJson
  /** The data file's bytes. */
  data: Uint8Array
}

/** Options of `encodeSparse`. */
export interface EncodeSparseOptions {
  /** The data file's name, which model.json refers to (default: weights.sparse.bin). */
  dataFile?: string
}

const widths: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 }

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0))
  let at = 0
  for (const part of parts) out.set(part, (at += part.length) - part.length)
  return out
}

/** The code that stands for 0.0: the quantization's zero point, round(-min / scale), kept in the code range. */
function zeroCode(quantization: tf.io.WeightsManifestEntry['quantization']): number {
  if (!quantization || quantization.dtype === 'float16') return 0
  const { min = 0, scale = 1 } = quantization
  const top = quantization.dtype === 'uint8' ? 255 : 65535
  const code = Math.round(-min / scale)
  return Number.isFinite(code) ? Math.min(top, Math.max(0, code)) : 0
}

/** Which elements a weight stores: every element but its zeros (floats: +0 and -0, which reloads as +0; quantized: the zero point). */
function storedElements(bytes: Uint8Array, width: number, count: number, float: boolean, zero: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const read = width === 4 ? (i: number) => view.getUint32(4 * i, true) : width === 2 ? (i: number) => view.getUint16(2 * i, true) : (i: number) => bytes[i]
  const signless = float ? (width === 4 ? 0x7fffffff : 0x7fff) : -1
  const stored: number[] = []
  for (let i = 0; i < count; i++) if ((read(i) & signless) >>> 0 !== zero) stored.push(i)
  return stored
}

/** Gaps between stored elements (the zeros before each), as LEB128 varints. */
function deltas(stored: number[]): number[] {
  const out: number[] = []
  let previous = -1
  for (const element of stored) {
    let gap = element - previous - 1
    previous = element
    while (gap >= 128) out.push((gap % 128) | 128), (gap = Math.floor(gap / 128))
    out.push(gap)
  }
  return out
}

function bitmask(stored: number[], count: number): Uint8Array {
  const mask = new Uint8Array(Math.ceil(count / 8))
  for (const element of stored) mask[element >> 3] |= 1 << (element & 7)
  return mask
}

/**
 * Encodes stock tfjs Layers artifacts (float32, or stock-quantized uint8/uint16/float16) in prunekit's sparse
 * format, which `@prunekit/sparse-loader` expands back: each weight keeps only its non-zero elements, in its
 * own dtype, with a bitmask or delta-coded indices, whichever is smaller (or dense, when that is smaller still).
 * Every element reloads bit for bit, except that a float -0.0 reloads as +0.0.
 */
export function encodeSparse(artifacts: tf.io.ModelArtifacts, options: EncodeSparseOptions = {}): SparseExport {
  const { modelTopology, weightSpecs, weightData } = artifacts
  const fail = (why: string) => new ModelError(`Cannot encode the model in the sparse format: ${why}.`)
  if (!modelTopology || modelTopology instanceof ArrayBuffer) throw fail('it has no JSON model topology (only tfjs Layers models are supported)')
  if (!weightSpecs || !weightData) throw fail('the artifacts carry no weights (save the model with its weights)')
  const source = concat([weightData].flat().map((buffer) => new Uint8Array(buffer)))

  const weights: SparseWeight[] = []
  const parts: Uint8Array[] = []
  let offset = 0
  for (const spec of weightSpecs) {
    const { name, shape, dtype, quantization } = spec
    const width = widths[quantization?.dtype ?? dtype]
    if (!width || dtype === 'string' || dtype === 'complex64') throw fail(`weight "${name}" has dtype "${quantization?.dtype ?? dtype}"; float32, int32, bool, uint8, uint16 and float16 are supported`)
    const count = shape.reduce((a, b) => a * b, 1)
    const bytes = source.subarray(offset, (offset += count * width))
    if (offset > source.length) throw fail(`the weight data is ${source.length} bytes, too short for weight "${name}"`)

    const zero = zeroCode(quantization)
    const float = quantization ? quantization.dtype === 'float16' : dtype === 'float32'
    const stored = storedElements(bytes, width, count, float, zero)
    const gaps = deltas(stored)
    const sizes: Record<SparseEncoding, number> = { dense: count * width, bitmask: Math.ceil(count / 8) + stored.length * width, deltas: gaps.length + stored.length * width }
    const encoding = (['dense', 'bitmask', 'deltas'] as const).reduce((best, e) => (sizes[e] < sizes[best] ? e : best))

    if (encoding === 'dense') parts.push(bytes)
    else {
      parts.push(encoding === 'bitmask' ? bitmask(stored, count) : new Uint8Array(gaps))
      const values = new Uint8Array(stored.length * width)
      stored.forEach((element, i) => values.set(bytes.subarray(element * width, (element + 1) * width), i * width))
      parts.push(values)
    }
    weights.push({
      name,
      shape,
      dtype: dtype as SparseWeight['dtype'],
      ...(quantization && { quantization }),
      encoding,
      ...(quantization && quantization.dtype !== 'float16' && { zero }),
      stored: encoding === 'dense' ? count : stored.length,
      bytes: sizes[encoding],
    })
  }
  if (offset !== source.length) throw fail(`the weight data is ${source.length} bytes, but its specs describe ${offset}`)

  const { format, generatedBy, convertedBy, trainingConfig, userDefinedMetadata } = artifacts
  const modelJson: SparseModelJson = {
    format: 'prunekit-sparse',
    version: 1,
    data: options.dataFile ?? 'weights.sparse.bin',
    topology: modelTopology,
    weights,
    ...(format && { modelFormat: format }),
    ...(generatedBy && { generatedBy }),
    ...(convertedBy !== undefined && { convertedBy }),
    ...(trainingConfig && { trainingConfig }),
    ...(userDefinedMetadata && { userDefinedMetadata }),
  }
  return { modelJson, data: concat(parts) }
}
