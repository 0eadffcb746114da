import { DataError, defineDataset } from '@prunekit/core'
import { z } from 'zod'
import { loadMnistDigits, mnistPixels, type MnistDigits } from './mnist-digits.js'
import { createDataset, gatherRows, oneHot, seededPermutation, type SplitArrays } from './split.js'

export const mnistOptions = z
  .object({
    train: z.number().int().min(1).default(8000).describe('Digits in the train split'),
    test: z.number().int().min(1).default(2000).describe('Digits in the test split (train + test + validation at most 10000)'),
    validation: z.number().int().min(0).default(0).describe('Digits held out as the validation split (evaluate: { split: validation }), drawn after train and test'),
    shape: z
      .enum(['flat', 'image'])
      .default('flat')
      .describe('flat: features [784]; image: features [28, 28, 1] for convolutional models'),
  })
  .strict()

export type MnistOptions = z.output<typeof mnistOptions>

function splitOf(digits: MnistDigits, rows: Uint32Array): SplitArrays {
  const labels = Array.from(rows, (row) => digits.labels[row])
  return { x: gatherRows(digits.pixels, mnistPixels, rows), y: oneHot(labels, 10), size: rows.length }
}

/** Real MNIST digits from the `mnist` package, split by a seeded shuffle of all 10,000. */
export const mnistDataset = defineDataset<MnistOptions>({
  name: 'mnist',
  description: '10,000 real MNIST digits (mnist package), seeded train/test split, flat [784] or image [28, 28, 1]',
  options: mnistOptions,
  async load(options, ctx) {
    const digits = await loadMnistDigits()
    const total = options.train + options.test + options.validation
    if (total > digits.count) {
      throw new DataError(
        `mnist: train (${options.train}) + test (${options.test}) + validation (${options.validation}) = ${total}, ` +
          `but the mnist package ships ${digits.count} digits. Lower data.train, data.test or data.validation so they sum to at most ${digits.count}.`,
      )
    }
    const order = seededPermutation(digits.count, ctx.seed)
    return createDataset({
      name: 'mnist',
      task: 'multiclass',
      numClasses: 10,
      featureShape: options.shape === 'image' ? [28, 28, 1] : [mnistPixels],
      train: splitOf(digits, order.subarray(0, options.train)),
      test: splitOf(digits, order.subarray(options.train, options.train + options.test)),
      ...(options.validation > 0 ? { validation: splitOf(digits, order.subarray(options.train + options.test, total)) } : {}),
    })
  },
})
