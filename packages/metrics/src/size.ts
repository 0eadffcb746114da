import { defineMetric } from '@prunekit/core'
import { encodedBytes } from '@prunekit/models'
import { countParams } from './params.js'
import type { SizeStats } from './types.js'
import { weightStats } from './weight-stats.js'

const floatBytes = 4
const indexBytes = 4

export const sizeMetric = defineMetric({
  name: 'size',
  description:
    'Bytes of the model: the exact files the export step would write (stock float32 and uint8, sparse float32 and uint8; raw, uncompressed), ' +
    'and the trainable weights as dense float32 and as a naive sparse estimate (value + int32 index per nonzero)',
  async compute(ctx): Promise<SizeStats> {
    const { total, nonzero } = countParams(await weightStats(ctx))
    return { denseBytes: total * floatBytes, nonzeroBytes: nonzero * (floatBytes + indexBytes), files: await encodedBytes(ctx.model.model) }
  },
})
