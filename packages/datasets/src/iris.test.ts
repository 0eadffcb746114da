import * as tf from '@tensorflow/tfjs-core'
import { setupBackend, type Dataset } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { withDataset } from '../test/with-dataset.js'
import { irisFeatures } from './iris-data.js'
import { irisDataset, irisOptions } from './iris.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

/** Every row of both splits as "5.1,3.5,1.4,0.2" -> class index. */
function rowsByContent(data: Dataset): Map<string, number> {
  const rows = new Map<string, number>()
  for (const split of [data.train, data.test]) {
    const x = split.x.dataSync()
    const y = split.y.dataSync()
    for (let i = 0; i < split.size; i++) {
      const key = Array.from(x.subarray(i * 4, i * 4 + 4), (v) => v.toFixed(1)).join(',')
      rows.set(key, Array.from(y.subarray(i * 3, i * 3 + 3)).indexOf(1))
    }
  }
  return rows
}

describe('iris', () => {
  it('embeds the 150 UCI rows: known first and last rows and column sums', () => {
    expect(irisFeatures).toHaveLength(600)
    expect(irisFeatures.slice(0, 4)).toEqual([5.1, 3.5, 1.4, 0.2])
    expect(irisFeatures.slice(200, 204)).toEqual([7.0, 3.2, 4.7, 1.4])
    expect(irisFeatures.slice(400, 404)).toEqual([6.3, 3.3, 6.0, 2.5])
    expect(irisFeatures.slice(596)).toEqual([5.9, 3.0, 5.1, 1.8])
    // Column totals of UCI iris.data: a typo anywhere changes one of them.
    const sums = [0, 1, 2, 3].map((j) => irisFeatures.filter((_, i) => i % 4 === j).reduce((a, b) => a + b, 0))
    expect(sums.map((s) => Math.round(s * 10) / 10)).toEqual([876.5, 458.1, 563.8, 179.8])
  })

  it('splits 120 / 30 rows of 4 features with 3 one-hot classes of 50 each', async () => {
    await withDataset(irisDataset, {}, 42, (data) => {
      expect(data).toMatchObject({ name: 'iris', task: 'multiclass', numClasses: 3, featureShape: [4] })
      expect(data.train.x.shape).toEqual([120, 4])
      expect(data.train.y.shape).toEqual([120, 3])
      expect(data.test.x.shape).toEqual([30, 4])
      const counts = [0, 0, 0]
      for (const split of [data.train, data.test]) {
        const y = split.y.dataSync()
        for (let i = 0; i < split.size; i++) counts[Array.from(y.subarray(i * 3, i * 3 + 3)).indexOf(1)]++
      }
      expect(counts).toEqual([50, 50, 50])
    })
  })

  it.each([
    ['5.1,3.5,1.4,0.2', 0],
    ['7.0,3.2,4.7,1.4', 1],
    ['6.3,3.3,6.0,2.5', 2],
    ['5.9,3.0,5.1,1.8', 2],
  ])('keeps row %s with class %d when not standardized', async (row, label) => {
    const rows = await withDataset(irisDataset, { standardize: false }, 1, rowsByContent)
    expect(rows.get(row)).toBe(label)
    // UCI repeats 4.9,3.1,1.5,0.1 three times and 5.8,2.7,5.1,1.9 twice: 147 distinct rows.
    expect(rows.size).toBe(147)
  })

  it('z-scores each feature with the train split statistics', async () => {
    const stats = await withDataset(irisDataset, {}, 2, (data) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(data.train.x, 0)
        return { mean: Array.from(mean.dataSync()), std: Array.from(tf.sqrt(variance).dataSync()) }
      }),
    )
    stats.mean.forEach((m) => expect(m).toBeCloseTo(0, 5))
    stats.std.forEach((s) => expect(s).toBeCloseTo(1, 5))
  })

  it('shuffles by seed: the same seed gives the same split, another seed another', async () => {
    const firstRows = (seed: number) => withDataset(irisDataset, { standardize: false }, seed, (data) => Array.from(data.train.x.dataSync().subarray(0, 20)))
    expect(await firstRows(8)).toEqual(await firstRows(8))
    expect(await firstRows(9)).not.toEqual(await firstRows(8))
  })

  it.each([
    [{ testFraction: 0 }, 'testFraction'],
    [{ standardize: 'yes' }, 'standardize'],
    [{ rows: 10 }, ''],
  ])('rejects bad options %j in its schema', (options, key) => {
    const result = irisOptions.safeParse(options)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0].path.join('.')).toBe(key)
  })
})
