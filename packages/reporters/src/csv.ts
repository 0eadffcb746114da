import { defineReporter } from '@prunekit/core'
import { join } from 'node:path'
import { z } from 'zod'
import { sensitivityCsv } from './sensitivity.js'
import { writeFileAtomic } from './write.js'

export const csvOptions = z
  .object({ file: z.string().min(1).default('sensitivity.csv').describe('File name, relative to the run\'s out directory') })
  .strict()

export const csvReporter = defineReporter({
  name: 'csv',
  description: 'Writes sensitivity.csv, one row per probe of the latest sensitivity step (layer, weights, sparsity, loss, accuracy, mass_removed); nothing without one',
  options: csvOptions,
  create(options, ctx) {
    return {
      async onRunEnd(result) {
        const csv = sensitivityCsv(result.snapshots)
        if (csv === undefined) return []
        const path = join(ctx.out, options.file)
        await writeFileAtomic(path, csv)
        return [path]
      },
    }
  },
})
