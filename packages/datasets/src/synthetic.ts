import { createRng, defineDataset } from '@prunekit/core'
import { z } from 'zod'
import { createDataset, splitSizes } from './split.js'
import { makeClassification } from './synthetic-data.js'

export const syntheticOptions = z
  .object({
    samples: z.number().int().min(2).default(1000).describe('Rows in total, train and test together'),
    features: z.number().int().min(1).default(20).describe('Features per row'),
    informative: z.number().int().min(1).default(10).describe('Features that carry the class signal (at most features); the rest is noise'),
    testFraction: z.number().gt(0).lt(1).default(0.2).describe('Fraction of the rows held out for the test split'),
    noise: z.number().min(0).max(1).default(0.1).describe('Probability that a label is flipped'),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.informative > value.features) {
      ctx.addIssue({
        code: 'custom',
        path: ['informative'],
        message: `informative (${value.informative}) cannot exceed features (${value.features}): lower informative or raise features`,
      })
    }
  })

export type SyntheticOptions = z.output<typeof syntheticOptions>

/** The founding experiment's data: seeded two-class Gaussian clusters with noise features and label flips. */
export const syntheticDataset = defineDataset<SyntheticOptions>({
  name: 'synthetic',
  description: 'Seeded binary classification like sklearn make_classification: Gaussian clusters, noise features, label flips',
  options: syntheticOptions,
  async load(options, ctx) {
    const { train, test } = splitSizes('synthetic', options.samples, options.testFraction)
    const { x, labels } = makeClassification(options, createRng(ctx.seed))
    const { features } = options
    const targets = Float32Array.from(labels)
    return createDataset({
      name: 'synthetic',
      task: 'binary',
      numClasses: 2,
      featureShape: [features],
      train: { x: x.slice(0, train * features), y: targets.slice(0, train), size: train },
      test: { x: x.slice(train * features), y: targets.slice(train), size: test },
    })
  },
})
