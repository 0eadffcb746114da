import { defineReporter, type Reporter } from '@prunekit/core'
import { join } from 'node:path'
import { z } from 'zod'
import { allPlots, reportPlots } from './charts.js'
import { canDrawText, svgToPng } from '#render-png'
import { writeFileAtomic } from './write.js'

export const pngOptions = z
  .object({
    dir: z.string().min(1).default('.').describe('Directory for the PNG files, relative to the run\'s out directory'),
    scale: z.number().min(0.5).max(8).default(2).describe('Pixels per chart unit: 2 gives 1520-pixel-wide histograms, sharp in papers and READMEs'),
  })
  .strict()

export type PngOptions = z.output<typeof pngOptions>

/** Where a warning goes; tests pass their own. */
export type Warn = (message: string) => void

export function createPngReporter(options: PngOptions, out: string, warn: Warn = (m) => process.stderr.write(`${m}\n`)): Reporter {
  return {
    async onRunEnd(result) {
      if (!(await canDrawText())) warn('png: no font found, so the plots have no text. Install one, e.g. `apt-get install fonts-dejavu-core`.')
      const written: string[] = []
      for (const plot of allPlots(reportPlots(result.snapshots))) {
        const path = join(out, options.dir, `${plot.name}.png`)
        await writeFileAtomic(path, await svgToPng(plot.svg, options.scale))
        written.push(path)
      }
      return written
    },
  }
}

export const pngReporter = defineReporter({
  name: 'png',
  description: 'Writes the charts as PNG files: weights-<stage>.png per stage (before, pruned, finetuned), sparsity.png, accuracy.png',
  options: pngOptions,
  create: (options, ctx) => createPngReporter(options, ctx.out),
})
