import type { io } from '@tensorflow/tfjs-core'
import { sparseFormat, type SparseModelJson, type SparseWeight } from './format.js'

/** A sparse export that cannot be read: `file` names the file at fault. */
export class SparseFormatError extends Error {
  override name = 'SparseFormatError'
  constructor(
    /** The file at fault: its URL, or its name in model.json. */
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`)
  }
}

const widths: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 }
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0

/** Checks one weight entry of model.json and returns its element width and count. */
function measure(weight: SparseWeight, check: (ok: unknown, problem: string) => void): [width: number, count: number] {
  const name = typeof weight?.name == 'string' ? weight.name : ''
  const at = `weight "${name}"`
  check(name, `a weight has no name`)
  check(Array.isArray(weight.shape) && weight.shape.every(isCount), `${at} has a bad shape`)
  const count = weight.shape.reduce((a, b) => a * b, 1)
  const q = weight.quantization
  const width = widths[q ? q.dtype : weight.dtype]
  check(/^(float32|int32|bool)$/.test(weight.dtype) && width && (!q || /^(uint8|uint16|float16)$/.test(q.dtype)), `${at} has an unsupported dtype`)
  check(isCount(count) && isCount(weight.stored) && weight.stored <= count, `${at} stores ${weight.stored} of ${count} elements`)
  check(isCount(weight.bytes), `${at} has a bad byte count`)
  check(weight.zero == null || (isCount(weight.zero) && weight.zero < 2 ** (8 * width)), `${at} has a bad zero code`)
  return [width, count]
}

/**
 * Expands a sparse export (its model.json and data file) into ordinary model artifacts: dense weight data and
 * the stock weight specs with their quantization, for `tf.loadLayersModel`. Every size, count and offset is
 * checked first: a truncated or inconsistent export throws a `SparseFormatError` naming the file.
 */
export function expandSparse(json: SparseModelJson, data: Uint8Array, jsonFile = 'model.json', dataFile = json?.data ?? 'the data file'): io.ModelArtifacts {
  const refuse = (file: string, problem: string): never => {
    throw new SparseFormatError(file, problem)
  }
  const check = (ok: unknown, problem: string, file = jsonFile) => ok || refuse(file, problem)
  check(json?.format == sparseFormat && json.version == 1, `not a prunekit sparse export (format "${json?.format}", version ${json?.version}); this loader reads format "${sparseFormat}" version 1`)
  check(json.topology && typeof json.topology == 'object' && Array.isArray(json.weights), 'has no topology or no weights list')

  const sizes = json.weights.map((w) => measure(w, check))
  const total = json.weights.reduce((sum, w) => sum + w.bytes, 0)
  check(total == data.length, `is ${data.length} bytes, but ${jsonFile} lists ${total}${total > data.length ? ' (truncated?)' : ''}`, dataFile)
  const dense = sizes.reduce((sum, [width, count]) => sum + width * count, 0)
  check(dense < 2 ** 31, `expands to ${dense} bytes, more than an ArrayBuffer holds`)
  const out = new Uint8Array(dense)

  let from = 0
  let to = 0
  json.weights.forEach((weight, i) => {
    const [width, count] = sizes[i]
    const { stored, encoding, zero = 0 } = weight
    const end = from + weight.bytes
    const values = end - stored * width
    const bad = (problem: string) => refuse(dataFile, `weight "${weight.name}" ${problem}`)
    const needs = encoding == 'dense' ? count * width : encoding == 'bitmask' ? Math.ceil(count / 8) + stored * width : encoding == 'deltas' ? stored * (width + 1) : -1
    if (needs < 0) refuse(jsonFile, `weight "${weight.name}" has an unknown encoding "${encoding}"`)
    const exact = encoding != 'deltas'
    if (exact ? weight.bytes != needs : weight.bytes < needs) refuse(jsonFile, `weight "${weight.name}" takes ${weight.bytes} bytes, but ${encoding} needs ${exact ? '' : 'at least '}${needs}`)
    if (encoding == 'dense' && stored != count) refuse(jsonFile, `weight "${weight.name}" is dense but stores ${stored} of ${count} elements`)

    if (zero) for (let e = 0; e < count; e++) for (let b = 0; b < width; b++) out[to + e * width + b] = (zero >> (8 * b)) & 255
    let n = 0
    const put = (element: number) => {
      if (element >= count) bad(`has a stored element out of range (${element} of ${count})`)
      if (n >= stored) bad(`stores more than the ${stored} elements ${jsonFile} lists`)
      out.set(data.subarray(values + n * width, values + ++n * width), to + element * width)
    }
    if (encoding == 'dense') out.set(data.subarray(from, end), to), (n = count)
    else if (encoding == 'bitmask') {
      for (let e = 0; e < count; e++) if ((data[from + (e >> 3)] >> (e & 7)) & 1) put(e)
      for (let e = count; e < 8 * Math.ceil(count / 8); e++) if ((data[from + (e >> 3)] >> (e & 7)) & 1) bad('has bits set past its last element')
    } else {
      let at = from
      for (let element = -1, k = 0; k < stored; k++) {
        let gap = 0
        for (let shift = 0, byte = 128; byte & 128; shift += 7) {
          if (at >= values || shift > 28) bad('has a bad or truncated index list')
          byte = data[at++]
          gap += (byte & 127) * 2 ** shift
        }
        put((element += gap + 1))
      }
      if (at != values) bad(`has ${values - at} bytes between its indices and values`)
    }
    if (n != stored) bad(`stores ${n} elements, but ${jsonFile} says ${stored}`)
    from = end
    to += count * width
  })

  return {
    modelTopology: json.topology,
    weightSpecs: json.weights.map(({ name, shape, dtype, quantization }) => (quantization ? { name, shape, dtype, quantization } : { name, shape, dtype })),
    weightData: out.buffer,
    format: json.modelFormat,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata,
  }
}
