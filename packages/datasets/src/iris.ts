import { defineDataset } from '@prunekit/core'
import { z } from 'zod'
import { irisClassNames, irisFeatures, irisRowsPerClass } from './iris-data.js'
import { standardizeColumns } from './standardize.js'
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
    if (options.standardize) standardizeColumns(train, width, [test])
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
