import { defineMetric } from '@prunekit/core'
import { countParams } from './params.js'
import type { SizeStats } from './types.js'
import { weightStats } from './weight-stats.js'

const floatBytes = 4
const indexBytes = 4

export const sizeMetric = defineMetric({
  name: 'size',
  description: 'Bytes of the trainable weights: dense float32, and a naive sparse estimate (value + int32 index per nonzero)',
  async compute(ctx): Promise<SizeStats> {
    const { total, nonzero } = countParams(await weightStats(ctx))
    return { denseBytes: total * floatBytes, nonzeroBytes: nonzero * (floatBytes + indexBytes) }
  },
})
