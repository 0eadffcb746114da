import { defineMetric } from '@prunekit/core'
import { countParams } from './params.js'
import { weightStats } from './weight-stats.js'

/**
 * Fraction of the kernels' entries, as the model was built, that are zero or gone: exact zeros, and
 * what structured pruning removed. Biases are left out, so 90% magnitude pruning reads 0.9.
 */
export const sparsityMetric = defineMetric({
  name: 'sparsity',
  description: 'Fraction of the prunable weights (kernels, rank >= 2) of the model as built that are exactly zero or removed by structured pruning',
  async compute(ctx): Promise<number> {
    const { prunableBuilt, prunableNonzero } = countParams(await weightStats(ctx))
    return prunableBuilt === 0 ? 0 : (prunableBuilt - prunableNonzero) / prunableBuilt
  },
})
