import { z } from 'zod'
import { reportPlots } from './charts.js'
import { fileReporter } from './file-reporter.js'
import { renderHtmlReport } from './html-page.js'

export const htmlReporter = fileReporter({
  name: 'html',
  description: 'Writes report.html: one self-contained page with the config, summary, per-layer sparsity and SVG charts',
  file: 'report.html',
  options: { title: z.string().min(1).default('prunekit report').describe('Heading and window title of the page') },
  render: (input, options) => renderHtmlReport(input, reportPlots(input.snapshots, input.training), options),
})
