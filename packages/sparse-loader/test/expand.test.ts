import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { expandSparse, SparseFormatError } from '../src/expand.js'
import type { SparseModelJson, SparseWeight } from '../src/format.js'
import { sparseIO } from '../src/sparse-io.js'
import { bytes, f32, handWritten, u16 } from './hand-written.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('expandSparse', () => {
  it('expands a hand-written export into the stock artifacts, which tf.loadLayersModel loads', async () => {
    const { kernel, stock, modelJson, data } = await handWritten()
    const artifacts = expandSparse(modelJson, data)
    expect(artifacts.weightSpecs).toEqual(stock.weightSpecs)
    expect(new Uint8Array(artifacts.weightData as ArrayBuffer)).toEqual(new Uint8Array(stock.weightData as ArrayBuffer))

    const loaded = await tfl.loadLayersModel(sparseIO({ modelJson, data }))
    expect(Array.from(await loaded.getWeights()[0].data())).toEqual(kernel)
    expect(Array.from(await loaded.getWeights()[1].data())).toEqual([0, 0.25, 0])
  })

  it('fills quantized weights with their zero code, and stock tfjs dequantizes that code to exactly 0', () => {
    const weights: SparseWeight[] = [
      // uint8, zero point 3 (min = -3 * scale): elements 0 and 4 stored
      { name: 'a', shape: [5], dtype: 'float32', quantization: { dtype: 'uint8', min: -1.5, scale: 0.5 }, encoding: 'deltas', zero: 3, stored: 2, bytes: 2 + 2 },
      // uint16, zero point 1000: elements 2 and 9 stored
      { name: 'b', shape: [2, 5], dtype: 'float32', quantization: { dtype: 'uint16', min: -1000 / 64, scale: 1 / 64 }, encoding: 'bitmask', zero: 1000, stored: 2, bytes: 2 + 4 },
      // float16: 0x3c00 is 1.0, 0xc000 is -2.0
      { name: 'c', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' }, encoding: 'deltas', stored: 2, bytes: 2 + 4 },
      { name: 'd', shape: [2], dtype: 'int32', encoding: 'dense', stored: 2, bytes: 8 },
    ]
    const data = bytes([0, 3, 7, 200], [0b100, 0b10], u16(1001, 0), [1, 0], u16(0x3c00, 0xc000), new Uint8Array(new Int32Array([-5, 0]).buffer))
    const artifacts = expandSparse({ format: 'prunekit-sparse', version: 1, data: 'w.bin', topology: {}, weights }, data)
    expect(artifacts.weightSpecs).toEqual(weights.map(({ name, shape, dtype, quantization }) => (quantization ? { name, shape, dtype, quantization } : { name, shape, dtype })))
    const dense = new Uint8Array(artifacts.weightData as ArrayBuffer)
    expect(dense).toEqual(bytes([7, 3, 3, 3, 200], u16(1000, 1000, 1001, 1000, 1000, 1000, 1000, 1000, 1000, 0), u16(0, 0x3c00, 0xc000), new Uint8Array(new Int32Array([-5, 0]).buffer)))

    const decoded = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!)
    expect(Array.from(decoded.a.dataSync())).toEqual([2, 0, 0, 0, 98.5])
    expect(Array.from(decoded.b.dataSync())).toEqual([0, 0, 1 / 64, 0, 0, 0, 0, 0, 0, -1000 / 64])
    expect(Array.from(decoded.c.dataSync())).toEqual([0, 1, -2])
    expect(Array.from(decoded.d.dataSync())).toEqual([-5, 0])
    tf.dispose(Object.values(decoded))
  })
})

describe('expandSparse refuses a broken export, naming the file at fault', () => {
  type Case = [what: string, file: string, message: RegExp, breakIt: (json: SparseModelJson, data: Uint8Array) => [unknown, Uint8Array]]
  const kernelWith = (json: SparseModelJson, change: Partial<SparseWeight>) => ({ ...json, weights: [{ ...json.weights[0], ...change }, json.weights[1]] })
  const cases: Case[] = [
    ['a stock model.json', 'model.json', /not a prunekit sparse export \(format "layers-model"/, (_, d) => [{ format: 'layers-model', modelTopology: {}, weightsManifest: [] }, d]],
    ['a newer version', 'model.json', /version 2\); this loader reads format "prunekit-sparse" version 1/, (j, d) => [{ ...j, version: 2 }, d]],
    ['truncated data', 'weights.sparse.bin', /is 19 bytes, but model.json lists 20 \(truncated\?\)/, (j, d) => [j, d.subarray(0, 19)]],
    ['data with bytes left over', 'weights.sparse.bin', /is 21 bytes, but model.json lists 20$/, (j, d) => [j, bytes(d, [0])]],
    ['more stored elements than the shape holds', 'model.json', /weight "dense\/kernel" stores 13 of 12 elements/, (j, d) => [kernelWith(j, { stored: 13 }), d]],
    ['a bad shape', 'model.json', /weight "dense\/kernel" has a bad shape/, (j, d) => [kernelWith(j, { shape: [4, -3] }), d]],
    ['a string weight', 'model.json', /weight "dense\/kernel" has an unsupported dtype/, (j, d) => [kernelWith(j, { dtype: 'string' as 'float32' }), d]],
    ['an unknown encoding', 'model.json', /weight "dense\/kernel" has an unknown encoding "rle"/, (j, d) => [kernelWith(j, { encoding: 'rle' as 'dense' }), d]],
    ['a byte count too small for its values', 'model.json', /weight "dense\/kernel" takes 14 bytes, but deltas needs at least 15/, (j, d) => [kernelWith(j, { bytes: 14 }), d.subarray(1)]],
    ['an index out of range', 'weights.sparse.bin', /weight "dense\/kernel" has a stored element out of range \(12 of 12\)/, (j, d) => [j, bytes([1, 4, 5], d.subarray(3))]],
    ['a truncated index', 'weights.sparse.bin', /weight "dense\/kernel" has a bad or truncated index list/, (j, d) => [j, bytes([1, 4, 0x84], d.subarray(3))]],
    ['fewer indices than stored elements', 'weights.sparse.bin', /weight "dense\/kernel" has 1 bytes between its indices and values/, (j, d) => [kernelWith(j, { stored: 2, bytes: 11 }), bytes([1, 4, 4], d.subarray(7))]],
    ['a bitmask with more bits than stored elements', 'weights.sparse.bin', /weight "dense\/bias" stores more than the 1 elements model.json lists/, (j, d) => [j, bytes(d.subarray(0, 15), [0b011], d.subarray(16))]],
    ['a bitmask with fewer bits than stored elements', 'weights.sparse.bin', /weight "dense\/bias" stores 0 elements, but model.json says 1/, (j, d) => [j, bytes(d.subarray(0, 15), [0], d.subarray(16))]],
    ['a bitmask bit past the last element', 'weights.sparse.bin', /weight "dense\/bias" has bits set past its last element/, (j, d) => [j, bytes(d.subarray(0, 15), [0b1010], d.subarray(16))]],
    ['a dense weight that stores fewer elements', 'model.json', /weight "dense\/kernel" is dense but stores 3 of 12 elements/, (j, d) => [kernelWith(j, { encoding: 'dense', bytes: 48 }), bytes(new Uint8Array(48), d.subarray(15))]],
    ['a huge shape with nothing stored', 'model.json', /expands to \d+ bytes, more than an ArrayBuffer holds/, (j, d) => [kernelWith(j, { shape: [2 ** 20, 2 ** 20] }), d]],
  ]
  it.each(cases)('%s', async (_, file, message, breakIt) => {
    const { modelJson, data } = await handWritten()
    const [json, broken] = breakIt(modelJson, data)
    const error = (() => {
      try {
        expandSparse(json as SparseModelJson, broken)
      } catch (e) {
        return e as SparseFormatError
      }
    })()
    expect(error).toBeInstanceOf(SparseFormatError)
    expect(error!.file).toBe(file)
    expect(error!.message).toMatch(new RegExp(`^${file}: `))
    expect(error!.message).toMatch(message)
  })
})
