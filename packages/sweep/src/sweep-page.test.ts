import { describe, expect, it } from 'vitest'
import { renderSweepPage, sweepPlots } from './sweep-page.js'
import { sweepReport } from './sweep-result.js'
import type { TrialResult } from './trial.js'

// Three trials that trade accuracy for size, MACs and latency; t03 is beaten on every cost by t02.
const trial = (id: string, accuracy: number, bytes: number, macs: number, latencyMs: number): TrialResult & { reused: boolean } => ({
  id, key: id, values: { sparsity: bytes }, metrics: { accuracy, bytes, macs, latencyMs }, seconds: 1, files: ['report.html'], stepSeconds: [1], reused: false,
})
const report = sweepReport({
  version: '0.1.0',
  sweep: { values: { sparsity: [1, 2, 3] }, share: true },
  executor: 'serial, in this process',
  results: [trial('t01', 0.95, 4000, 400, 0.9), trial('t02', 0.9, 1000, 100, 0.3), trial('t03', 0.85, 2000, 200, 0.5)],
  prefixes: [],
  seconds: 3,
})

describe('the sweep page', () => {
  it('puts accuracy against size, MACs and latency on a Pareto front each', () => {
    expect(report.fronts).toEqual({ bytes: ['t02', 't01'], macs: ['t02', 't01'], latencyMs: ['t02', 't01'] })
    expect(report.trials.map((t) => t.front)).toEqual([['bytes', 'macs', 'latencyMs'], ['bytes', 'macs', 'latencyMs'], []])
  })

  it('draws a chart per cost and links every trial to its own report', () => {
    const plots = sweepPlots(report)
    expect(plots.map((p) => p.name)).toEqual(['pareto-bytes', 'pareto-macs', 'pareto-latency'])
    const html = renderSweepPage(report, plots)
    expect(html.match(/<svg /g)).toHaveLength(3)
    for (const id of ['t01', 't02', 't03']) expect(html).toContain(`<a href="trials/${id}/report.html">${id}</a>`)
  })
})
