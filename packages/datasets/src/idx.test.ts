import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { evaluateModel, loadDataset, PrunableModel } from '@prunekit/core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseIdx } from './idx.js'
import { idxDataset } from './idx-dataset.js'

/** IDX bytes: 00 00 08 rank, big-endian dims, values. */
function idx(dims: number[], values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length)
  out.set([0, 0, 8, dims.length])
  const view = new DataView(out.buffer)
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false))
  out.set(values, 4 + 4 * dims.length)
  return out
}

// 40 images of 4x4 whose pixels encode their label (label * 25), labels 0..3 in turn.
const count = 40
const labels = Array.from({ length: count }, (_, i) => i % 4)
const pixels = labels.flatMap((label) => Array(16).fill(label * 25 + 5))
let dir: string

beforeAll(async () => {
  await tf.setBackend('cpu')
  dir = mkdtempSync(join(tmpdir(), 'prunekit-idx-'))
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([count, 4, 4], pixels)))
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([count], labels))
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([8, 4, 4], pixels.slice(0, 8 * 16)))
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idx([8], labels.slice(0, 8))))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('parseIdx', () => {
  it('reads the dimensions and the bytes', () => {
    const parsed = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]), 'a.idx')
    expect(parsed.dims).toEqual([2, 3])
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it.each([
    ['a truncated file', idx([2, 3], [1, 2, 3, 4, 5, 6]).subarray(0, 14), /x\.idx .*truncated: its header declares \[2, 3\] = 6 values, but only 2 bytes follow/],
    ['extra bytes', idx([2, 3], [1, 2, 3, 4, 5, 6, 7]), /x\.idx .*1 bytes beyond the \[2, 3\] = 6 values/],
    ['a bad magic number', Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 1, 9]), /x\.idx is not a valid IDX file: it does not start with the IDX magic number/],
    ['float values', Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), /values are float, and prunekit reads unsigned bytes/],
    ['a cut header', Uint8Array.from([0, 0, 8, 3, 0, 0]), /6 bytes, shorter than its 16-byte header/],
  ])('refuses %s, naming the file and the fix', (_, bytes, message) => {
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(message)
    expect(() => parseIdx(bytes, 'x.idx')).toThrow(/re-download/)
  })
})

describe('idx dataset', () => {
  it('reads gzipped and raw files from a directory into a seeded train / validation / test split of bytes', async () => {
    const data = await loadDataset(idxDataset, { dir, validation: 10, shape: 'image' }, 7)
    try {
      expect([data.train.size, data.validation?.size, data.test.size]).toEqual([30, 10, 8])
      expect(data.featureShape).toEqual([4, 4, 1])
      expect(data.numClasses).toBe(4)
      // Images stay bytes on the host; targets are one-hot tensors.
      expect(data.train.host?.values).toBeInstanceOf(Uint8Array)
      expect(data.train.host?.values.length).toBe(30 * 16)
      const y = (await data.train.y.array()) as number[][]
      const firstPixels = Array.from(data.train.host!.values.subarray(0, 16))
      expect(firstPixels).toEqual(Array(16).fill(y[0].indexOf(1) * 25 + 5))
      // Validation rows are not train rows: 30 + 10 distinct rows of the 40 (each row's bytes are its label, so count labels).
      const classCounts = [data.train, data.validation!].flatMap((s) => Array.from({ length: s.size }, (_, i) => s.host!.values[i * 16])).reduce<Record<number, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {})
      expect(Object.values(classCounts)).toEqual([10, 10, 10, 10])
    } finally {
      data.dispose()
    }
    const again = await loadDataset(idxDataset, { dir, validation: 10, shape: 'image' }, 7)
    const other = await loadDataset(idxDataset, { dir, validation: 10, shape: 'image' }, 8)
    expect(Array.from(again.train.host!.values)).not.toEqual(Array.from(other.train.host!.values))
    again.dispose()
    other.dispose()
  })

  it('evaluates byte features batch by batch exactly as the same floats held in a tensor, without making the float tensor', async () => {
    const start = tf.memory().numTensors
    const data = await loadDataset(idxDataset, { dir }, 1)
    expect(tf.memory().numTensors - start).toBe(2) // the two targets; no features tensor
    const model = new PrunableModel(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [16], units: 4, activation: 'softmax' })] }))
    const before = tf.memory().numTensors
    const host = await evaluateModel(model, data.train, 'multiclass', 7)
    expect(tf.memory().numTensors).toBe(before)
    const floats = { x: tf.tensor(Float32Array.from(data.train.host!.values, (v) => v * (1 / 255)), [40, 16]), y: data.train.y, size: 40 }
    const tensor = await evaluateModel(model, floats, 'multiclass', 7)
    expect(host.loss).toBeCloseTo(tensor.loss, 6)
    expect(host.accuracy).toBe(tensor.accuracy)
    // The split's x getter makes the same floats on first use, and dispose frees them.
    expect(Array.from(await data.train.x.data())).toEqual(Array.from(await floats.x.data()))
    tf.dispose([floats.x])
    data.dispose()
    model.dispose()
    expect(tf.memory().numTensors).toBe(start)
  })

  it('names the missing file, the swapped file and the over-large sizes', async () => {
    await expect(loadDataset(idxDataset, { dir: join(dir, 'nowhere') })).rejects.toThrow(/train-images-idx3-ubyte\[\.gz\] is not in .*nowhere\. Point data\.dir/)
    const swapped = { trainFiles: { images: join(dir, 'train-labels-idx1-ubyte'), labels: join(dir, 'train-images-idx3-ubyte.gz') }, testFiles: { images: join(dir, 't10k-images-idx3-ubyte'), labels: join(dir, 't10k-labels-idx1-ubyte.gz') } }
    await expect(loadDataset(idxDataset, swapped)).rejects.toThrow(/train-labels-idx1-ubyte holds an array of shape \[40\], not images.*Did you swap/)
    await expect(loadDataset(idxDataset, { dir, train: 35, validation: 10 })).rejects.toThrow(/data\.train \(35\) \+ data\.validation \(10\) = 45, but .*train-images-idx3-ubyte\.gz holds 40 images/)
    writeFileSync(join(dir, 'cut.gz'), gzipSync(idx([count, 4, 4], pixels)).subarray(0, 30))
    await expect(loadDataset(idxDataset, { ...swapped, trainFiles: { images: join(dir, 'cut.gz'), labels: join(dir, 'train-labels-idx1-ubyte') } })).rejects.toThrow(/cut\.gz is a damaged gzip file/)
  })
})

describe('training on byte features', () => {
  it('gives the same weights as training on the same floats held in a tensor', async () => {
    const { train } = await import('@prunekit/core')
    const data = await loadDataset(idxDataset, { dir }, 3)
    const build = () => {
      return new PrunableModel(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [16], units: 4, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) })] }))
    }
    const [bytes, floats] = [build(), build()]
    const floatSplit = { x: tf.tensor(Float32Array.from(data.train.host!.values, (v) => v * (1 / 255)), [40, 16]), y: data.train.y, size: 40 }
    await train(bytes, data, { epochs: 2, batchSize: 8, seed: 9 })
    await train(floats, { ...data, train: floatSplit }, { epochs: 2, batchSize: 8, seed: 9 })
    expect(Array.from(await bytes.model.weights[0].read().data())).toEqual(Array.from(await floats.model.weights[0].read().data()))
    tf.dispose(floatSplit.x)
    bytes.dispose()
    floats.dispose()
    data.dispose()
  })
})
