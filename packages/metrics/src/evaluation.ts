import { defineMetric } from '@prunekit/core'

export const lossMetric = defineMetric({
  name: 'loss',
  description: 'Mean loss of the model on the test split',
  compute: async (ctx) => (await ctx.evaluation()).loss,
})

export const accuracyMetric = defineMetric({
  name: 'accuracy',
  description: 'Fraction of the test split predicted correctly (NaN for regression)',
  compute: async (ctx) => (await ctx.evaluation()).accuracy,
})
