import { defineMetric } from '@prunekit/core'
import type { ParamCounts } from './types.js'
import { weightStats, type WeightStats } from './weight-stats.js'

/** Totals over every trainable weight, and over the prunable kernels, now and as the model was built. */
export function countParams(stats: WeightStats): ParamCounts {
  const counts: ParamCounts = { total: 0, nonzero: 0, prunable: 0, prunableNonzero: 0, built: 0, prunableBuilt: 0 }
  for (const w of stats.weights) {
    counts.total += w.size
    counts.nonzero += w.nonzero
    counts.built += w.builtSize
    if (!w.prunable) continue
    counts.prunable += w.size
    counts.prunableNonzero += w.nonzero
    counts.prunableBuilt += w.builtSize
  }
  return counts
}

export const paramsMetric = defineMetric({
  name: 'params',
  description: 'Trainable parameters: total and nonzero, overall and in the prunable kernels, and how many the model was built with',
  compute: async (ctx): Promise<ParamCounts> => countParams(await weightStats(ctx)),
})
