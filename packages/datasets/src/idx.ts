import { DataError } from '@prunekit/core'

/** An IDX array (the MNIST file format): unsigned bytes and their dimensions. */
export interface IdxArray {
  dims: number[]
  data: Uint8Array
}

const typeNames: Record<number, string> = { 0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' }

/**
 * Parses an IDX file's bytes (already gunzipped): two zero bytes, the type (0x08: unsigned byte, the
 * only one image and label files use), the number of dimensions, each dimension as a big-endian
 * uint32, then the values. `file` names the source in errors.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const fail = (what: string): never => {
    throw new DataError(`${file} is not a valid IDX file: ${what}. Check that it is an MNIST-format file (e.g. train-images-idx3-ubyte.gz) and re-download it if it was cut short.`)
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) fail(`it does not start with the IDX magic number (00 00 type dims)`)
  const type = bytes[2]
  if (type !== 0x08) fail(`its values are ${typeNames[type] ?? `of unknown type 0x${type.toString(16)}`}, and prunekit reads unsigned bytes (type 0x08)`)
  const rank = bytes[3]
  if (rank < 1 || rank > 4) fail(`it declares ${rank} dimensions (1 to 4 expected)`)
  const header = 4 + 4 * rank
  if (bytes.length < header) fail(`it is ${bytes.length} bytes, shorter than its ${header}-byte header`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false))
  const count = dims.reduce((a, b) => a * b, 1)
  const have = bytes.length - header
  if (have < count) fail(`it is truncated: its header declares [${dims.join(', ')}] = ${count} values, but only ${have} bytes follow`)
  if (have > count) fail(`it has ${have - count} bytes beyond the [${dims.join(', ')}] = ${count} values its header declares`)
  return { dims, data: bytes.subarray(header) }
}

/** Images [n, rows, cols] and labels [n] from two IDX arrays, checked against each other. */
export function idxImagesAndLabels(images: IdxArray, labels: IdxArray, files: { images: string; labels: string }): { pixels: Uint8Array; labels: Uint8Array; count: number; shape: number[] } {
  if (images.dims.length < 2) {
    throw new DataError(`${files.images} holds an array of shape [${images.dims.join(', ')}], not images: expected [count, rows, cols]. Did you swap the images and labels files?`)
  }
  if (labels.dims.length !== 1) {
    throw new DataError(`${files.labels} holds an array of shape [${labels.dims.join(', ')}], not labels: expected [count]. Did you swap the images and labels files?`)
  }
  if (images.dims[0] !== labels.dims[0]) {
    throw new DataError(`${files.images} holds ${images.dims[0]} images but ${files.labels} holds ${labels.dims[0]} labels. Use the labels file that belongs to these images.`)
  }
  return { pixels: images.data, labels: labels.data, count: images.dims[0], shape: images.dims.slice(1) }
}
