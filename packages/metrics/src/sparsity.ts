import { defineMetric } from '@prunekit/core'
import { countParams } from './params.js'
import { weightStats } from './weight-stats.js'

/** Fraction of exact zeros among the kernels; biases are left out, so 90% pruning reads 0.9. */
export const sparsityMetric = defineMetric({
  name: 'sparsity',
  description: 'Fraction of the prunable weights (kernels, rank >= 2) that are exactly zero',
  async compute(ctx): Promise<number> {
    const { prunable, prunableNonzero } = countParams(await weightStats(ctx))
    return prunable === 0 ? 0 : (prunable - prunableNonzero) / prunable
  },
})
