import * as tf from '@tensorflow/tfjs-core'
import { createRng, DataError, setupBackend } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { withDataset } from '../test/with-dataset.js'
import { loadMnistDigits } from './mnist-digits.js'
import { mnistDataset, mnistOptions } from './mnist.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

/** FNV-1a over a row's float bits: equal rows, equal hashes. */
function rowHashes(x: tf.Tensor, width: number): Set<number> {
  const bits = new Uint32Array((x.dataSync() as Float32Array).buffer)
  const hashes = new Set<number>()
  for (let start = 0; start < bits.length; start += width) {
    let h = 0x811c9dc5
    for (let i = start; i < start + width; i++) h = Math.imul(h ^ bits[i], 0x01000193)
    hashes.add(h >>> 0)
  }
  return hashes
}

function classCounts(y: tf.Tensor): number[] {
  const values = y.dataSync()
  const counts = new Array<number>(10).fill(0)
  for (let row = 0; row < values.length / 10; row++) {
    const hot = Array.from(values.subarray(row * 10, row * 10 + 10))
    expect(hot.reduce((a, b) => a + b, 0)).toBe(1)
    counts[hot.indexOf(1)]++
  }
  return counts
}

describe('mnist', () => {
  it('splits 8000 / 2000 digits by default, as flat [784] features and one-hot [n, 10] labels', async () => {
    expect(mnistOptions.parse({})).toEqual({ train: 8000, test: 2000, validation: 0, shape: 'flat' })
    await withDataset(mnistDataset, {}, 42, (data) => {
      expect(data).toMatchObject({ name: 'mnist', task: 'multiclass', numClasses: 10, featureShape: [784] })
      expect(data.train.size).toBe(8000)
      expect(data.test.size).toBe(2000)
      expect(data.train.x.shape).toEqual([8000, 784])
      expect(data.train.y.shape).toEqual([8000, 10])
      expect(data.test.x.shape).toEqual([2000, 784])
      expect(data.test.y.shape).toEqual([2000, 10])
    })
  })

  it.each([
    ['flat', [784]],
    ['image', [28, 28, 1]],
  ] as const)('gives %s features of shape %j', async (shape, featureShape) => {
    await withDataset(mnistDataset, { train: 300, test: 100, shape }, 1, (data) => {
      expect(data.featureShape).toEqual(featureShape)
      expect(data.train.x.shape).toEqual([300, ...featureShape])
      expect(data.test.x.shape).toEqual([100, ...featureShape])
      expect(data.train.x.dtype).toBe('float32')
    })
  })

  it('holds real pixels in [0, 1], mostly background', async () => {
    await withDataset(mnistDataset, { train: 500, test: 100 }, 3, (data) => {
      const pixels = data.train.x.dataSync()
      let min = Infinity
      let max = -Infinity
      let zeros = 0
      for (const v of pixels) {
        min = Math.min(min, v)
        max = Math.max(max, v)
        if (v === 0) zeros++
      }
      expect(min).toBe(0)
      expect(max).toBe(1)
      expect(zeros / pixels.length).toBeGreaterThan(0.6)
    })
  })

  it('labels every digit one-hot, with all ten classes in both splits', async () => {
    await withDataset(mnistDataset, {}, 7, (data) => {
      const train = classCounts(data.train.y)
      const test = classCounts(data.test.y)
      expect(train.every((c) => c > 600)).toBe(true)
      expect(test.every((c) => c > 100)).toBe(true)
      expect(train.reduce((a, b) => a + b, 0)).toBe(8000)
    })
  })

  it('gives the same first sample for the same seed and a different order for another seed', async () => {
    const firstSample = (seed: number) =>
      withDataset(mnistDataset, { train: 50, test: 10 }, seed, (data) => ({
        x: Array.from(data.train.x.dataSync().subarray(0, 784)),
        y: Array.from(data.train.y.dataSync().subarray(0, 10)),
      }))
    const order = (seed: number) => withDataset(mnistDataset, { train: 50, test: 10 }, seed, (data) => [...rowHashes(data.train.x, 784)])
    expect(await firstSample(11)).toEqual(await firstSample(11))
    expect(await order(11)).toEqual(await order(11))
    expect(await order(12)).not.toEqual(await order(11))
  })

  it('never puts the same digit in both train and test', async () => {
    await withDataset(mnistDataset, { train: 8000, test: 2000 }, 5, (data) => {
      const train = rowHashes(data.train.x, 784)
      const test = rowHashes(data.test.x, 784)
      // The 10,000 digits are distinct, so every row hashes to its own value.
      expect(train.size + test.size).toBe(10000)
      expect([...test].filter((h) => train.has(h))).toEqual([])
    })
  })

  it('refuses train + test beyond the 10,000 shipped digits, naming both options', async () => {
    const load = mnistDataset.load(mnistOptions.parse({ train: 9000, test: 2000 }), { seed: 1, rng: createRng(1) })
    await expect(load).rejects.toBeInstanceOf(DataError)
    await expect(load).rejects.toThrow(/train \(9000\) \+ test \(2000\).*10000/)
  })

  it('parses the 10,000 digits once per process', async () => {
    const digits = await loadMnistDigits()
    expect(digits.count).toBe(10000)
    expect(digits.pixels.length).toBe(10000 * 784)
    expect(await loadMnistDigits()).toBe(digits)
  })

  it.each([
    [{ train: 0 }, 'train'],
    [{ shape: 'square' }, 'shape'],
    [{ size: 10 }, ''],
  ])('rejects bad options %j in its schema', (options, key) => {
    const result = mnistOptions.safeParse(options)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0].path.join('.')).toBe(key)
  })
})
