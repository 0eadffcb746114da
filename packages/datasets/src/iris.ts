import { defineDataset } from '@prunekit/core'
import { z } from 'zod'
import { irisClassNames, irisFeatures, irisRowsPerClass } from './iris-data.js'
import { createDataset, gatherRows, oneHot, seededPermutation, splitSizes } from './split.js'

const width = 4
const rows = irisFeatures.length / width

export const irisOptions = z
  .object({
    testFraction: z.number().gt(0).lt(1).default(0.2).describe('Fraction of the 150 rows held out for the test split'),
    standardize: z.boolean().default(true).describe('Z-score every feature with the mean and standard deviation of the train split'),
  })
  .strict()

export type IrisOptions = z.output<typeof irisOptions>

/** Z-scores every column of `train` and `others` in place, with the mean and std of `train`. */
function standardizeColumns(train: Float32Array, others: Float32Array[]): void {
  const n = train.length / width
  for (let j = 0; j < width; j++) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += train[i * width + j]
    const mean = sum / n
    let squares = 0
    for (let i = 0; i < n; i++) squares += (train[i * width + j] - mean) ** 2
    // A constant column (possible in a tiny train split) is centred, not divided by zero.
    const std = Math.sqrt(squares / n) || 1
    for (const x of [train, ...others]) {
      for (let i = j; i < x.length; i += width) x[i] = (x[i] - mean) / std
    }
  }
}

/** Fisher's iris flowers (UCI iris.data): 150 rows, 4 measurements, 3 species. */
export const irisDataset = defineDataset<IrisOptions>({
  name: 'iris',
  description: "Fisher's iris (UCI): 150 flowers, 4 measurements, 3 species; seeded split, z-scored on train statistics",
  options: irisOptions,
  async load(options, ctx) {
    const sizes = splitSizes('iris', rows, options.testFraction)
    const order = seededPermutation(rows, ctx.seed)
    const all = Float32Array.from(irisFeatures)
    const labels = Array.from({ length: rows }, (_, i) => Math.floor(i / irisRowsPerClass))
    const trainRows = order.subarray(0, sizes.train)
    const testRows = order.subarray(sizes.train)
    const train = gatherRows(all, width, trainRows)
    const test = gatherRows(all, width, testRows)
    if (options.standardize) standardizeColumns(train, [test])
    const numClasses = irisClassNames.length
    return createDataset({
      name: 'iris',
      task: 'multiclass',
      numClasses,
      featureShape: [width],
      train: { x: train, y: oneHot(Array.from(trainRows, (r) => labels[r]), numClasses), size: sizes.train },
      test: { x: test, y: oneHot(Array.from(testRows, (r) => labels[r]), numClasses), size: sizes.test },
    })
  },
})
