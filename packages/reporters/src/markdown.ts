import { basename, dirname, relative, sep } from 'node:path'
import { z } from 'zod'
import { reportPlots, type Plot } from './charts.js'
import { fileReporter } from './file-reporter.js'
import { renderMarkdownReport, type MarkdownImage } from './markdown-page.js'

export const markdownReporter = fileReporter({
  name: 'markdown',
  description: 'Writes report.md: summary and per-layer tables, linking the PNG plots (list png before markdown)',
  file: 'report.md',
  options: { title: z.string().min(1).default('prunekit report').describe('Heading of the document') },
  render(input, options, { path, files }) {
    // Link the PNGs that reporters listed before this one wrote in this run, never a stale file.
    const link = (plot: Plot | undefined): MarkdownImage | undefined => {
      const png = plot && files.find((f) => basename(f) === `${plot.name}.png`)
      return plot && png ? { title: plot.title, href: relative(dirname(path), png).split(sep).join('/') } : undefined
    }
    const plots = reportPlots(input.snapshots)
    const images = {
      histograms: plots.histograms.flatMap((p) => link(p) ?? []),
      sparsity: link(plots.sparsity),
      accuracy: link(plots.accuracy),
      exports: link(plots.exports),
      sensitivity: link(plots.sensitivity),
    }
    return renderMarkdownReport(input, images, options.title)
  },
})
