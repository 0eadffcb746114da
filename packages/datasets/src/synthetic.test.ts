import { setupBackend, type Dataset } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { withDataset } from '../test/with-dataset.js'
import { syntheticDataset, syntheticOptions } from './synthetic.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

const arrays = (data: Dataset) => ({
  trainX: Array.from(data.train.x.dataSync()),
  trainY: Array.from(data.train.y.dataSync()),
  testX: Array.from(data.test.x.dataSync()),
  testY: Array.from(data.test.y.dataSync()),
})

const labels = (data: Dataset): number[] => [...data.train.y.dataSync(), ...data.test.y.dataSync()]

describe('synthetic', () => {
  it('makes 800 / 200 rows of 20 features with binary [n, 1] targets by default', async () => {
    expect(syntheticOptions.parse({})).toEqual({ samples: 1000, features: 20, informative: 10, testFraction: 0.2, noise: 0.1 })
    await withDataset(syntheticDataset, {}, 42, (data) => {
      expect(data).toMatchObject({ name: 'synthetic', task: 'binary', numClasses: 2, featureShape: [20] })
      expect(data.train.x.shape).toEqual([800, 20])
      expect(data.train.y.shape).toEqual([800, 1])
      expect(data.test.x.shape).toEqual([200, 20])
      expect(data.test.y.shape).toEqual([200, 1])
      expect(new Set(labels(data))).toEqual(new Set([0, 1]))
    })
  })

  it('gives identical data for the same seed and different data for another seed', async () => {
    const a = await withDataset(syntheticDataset, {}, 42, arrays)
    expect(await withDataset(syntheticDataset, {}, 42, arrays)).toEqual(a)
    const b = await withDataset(syntheticDataset, {}, 43, arrays)
    expect(b.trainX).not.toEqual(a.trainX)
    expect(b.trainY).not.toEqual(a.trainY)
  })

  it.each([
    [0, 0.5, 0.5],
    [0.1, 0.45, 0.55],
    [0.3, 0.42, 0.58],
  ])('keeps the classes balanced with label noise %d', async (noise, low, high) => {
    const share = await withDataset(syntheticDataset, { noise }, 9, (data) => labels(data).filter((l) => l === 1).length / 1000)
    expect(share).toBeGreaterThanOrEqual(low)
    expect(share).toBeLessThanOrEqual(high)
  })

  it('flips about `noise` of the labels', async () => {
    const clean = await withDataset(syntheticDataset, { noise: 0 }, 5, labels)
    const noisy = await withDataset(syntheticDataset, { noise: 0.2 }, 5, labels)
    const flipped = clean.filter((label, i) => label !== noisy[i]).length / clean.length
    expect(flipped).toBeGreaterThan(0.15)
    expect(flipped).toBeLessThan(0.25)
  })

  it('puts the class signal in the informative features and none in the noise features', async () => {
    // 1-nearest-neighbour accuracy on the test split, using only the given feature columns.
    const accuracy = (data: Dataset, columns: number[]): number => {
      const [trainX, trainY, testX, testY] = [data.train.x, data.train.y, data.test.x, data.test.y].map((t) => t.dataSync())
      const width = data.featureShape[0]
      let correct = 0
      for (let i = 0; i < data.test.size; i++) {
        let best = Infinity
        let label = -1
        for (let k = 0; k < data.train.size; k++) {
          let d = 0
          for (const j of columns) d += (testX[i * width + j] - trainX[k * width + j]) ** 2
          if (d < best) [best, label] = [d, trainY[k]]
        }
        if (label === testY[i]) correct++
      }
      return correct / data.test.size
    }
    const options = { samples: 1000, features: 10, informative: 4, noise: 0 }
    const [informative, noise] = await withDataset(syntheticDataset, options, 3, (data) => [accuracy(data, [0, 1, 2, 3]), accuracy(data, [4, 5, 6, 7, 8, 9])])
    expect(informative).toBeGreaterThan(0.9)
    expect(noise).toBeLessThan(0.62)
  })

  it.each([
    [{ informative: 30 }, 'informative'],
    [{ testFraction: 1 }, 'testFraction'],
    [{ noise: -0.1 }, 'noise'],
    [{ samples: 1.5 }, 'samples'],
    [{ classes: 3 }, ''],
  ])('rejects bad options %j in its schema', (options, key) => {
    const result = syntheticOptions.safeParse(options)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0].path.join('.')).toBe(key)
  })
})
