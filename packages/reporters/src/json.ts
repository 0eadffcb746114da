import { defineReporter, type Reporter, type RunInfo, type Snapshot } from '@prunekit/core'
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from './write.js'

export const jsonOptions = z
  .object({
    file: z.string().default('report.json').describe('File name, relative to the run\'s out directory'),
  })
  .strict()

/** The shape of report.json. */
export interface JsonReport {
  prunekit: { format: 1 }
  run: RunInfo | undefined
  snapshots: Snapshot[]
  steps: Array<{ index: number; name: string; seconds: number; summary?: string }>
  seconds: number
}

export const jsonReporter = defineReporter({
  name: 'json',
  description: 'Writes report.json: the config, every snapshot\'s metrics, per-layer sparsity and weight histograms',
  options: jsonOptions,
  create(options, ctx): Reporter {
    let run: RunInfo | undefined
    return {
      onRunStart(info) {
        run = info
      },
      async onRunEnd(result) {
        const report: JsonReport = { prunekit: { format: 1 }, run, snapshots: result.snapshots, steps: result.steps, seconds: result.seconds }
        const path = join(ctx.out, options.file)
        await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`)
        return [path]
      },
    }
  },
})
