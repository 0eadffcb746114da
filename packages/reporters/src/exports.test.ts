import type { Snapshot } from '@prunekit/core'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reportPlots } from './charts.js'
import { createConsoleReporter } from './console.js'
import { exportTable, exportVariants } from './exports.js'
import { renderHtmlReport } from './html-page.js'
import { jsonReporter } from './json.js'
import { renderMarkdownReport } from './markdown-page.js'
import { fixtureRun, fixtureSnapshots, fixtureSteps } from './snapshots.fixture.js'

const float32 = { raw: 1_068_440, gzip: 180_000, brotli: 170_000 }
function exported(dir: string, format: string, dtype: string, [raw, gzip, brotli]: number[], accuracy: number, max: number): Snapshot {
  const layers = [{ layer: 'dense_1', max, mean: max / 4 }, { layer: 'output', max: max / 2, mean: max / 8 }]
  return { label: `export-${dir}`, step: 6, metrics: { loss: 0.3, accuracy, export: { file: `out/${dir}/model.json`, format, dtype, raw, gzip, brotli, float32, layers } } }
}

const snapshots = [
  ...fixtureSnapshots,
  exported('float32', 'layers', 'float32', [1_068_440, 180_000, 170_000], 0.9445, 0),
  exported('uint8', 'layers', 'uint8', [268_000, 60_000, 55_000], 0.943, 0.004),
  exported('sparse-uint8', 'sparse', 'uint8', [60_000, 45_000, 44_000], 0.9425, 0.004),
]
const input = { run: fixtureRun, snapshots, steps: fixtureSteps, seconds: 2 }

describe('exported variants in the reports', () => {
  it('tabulates every export: bytes, ratio of float32 raw to gzip, accuracy reloaded and the worst layer error', () => {
    expect(exportVariants(fixtureSnapshots)).toEqual([])
    expect(exportTable(snapshots).rows).toEqual([
      ['export-float32', 'float32', '1.07 MB', '180.00 kB', '170.00 kB', '5.9×', '0.9445', '0'],
      ['export-uint8', 'uint8', '268.00 kB', '60.00 kB', '55.00 kB', '17.8×', '0.9430', '4.00e-3'],
      ['export-sparse-uint8', 'sparse, uint8', '60.00 kB', '45.00 kB', '44.00 kB', '23.7×', '0.9425', '4.00e-3'],
    ])
  })

  it('charts accuracy against gzip bytes on a log scale, one labelled point per export, in report.html', () => {
    const plots = reportPlots(snapshots)
    const svg = plots.exports!.svg
    expect(svg.match(/<circle /g)).toHaveLength(3)
    expect(svg).not.toContain('<path class="mark"')
    for (const label of ['float32', 'uint8', 'sparse-uint8']) expect(svg).toContain(`>${label}</text>`)
    // Log x, smallest first: gaps between points are ratios of their sizes, not differences.
    const [sparse, u8, f32] = [...svg.matchAll(/<circle class="mark" cx="([\d.]+)"/g)].map((m) => Number(m[1]))
    expect((f32 - u8) / (u8 - sparse)).toBeCloseTo(Math.log10(180 / 60) / Math.log10(60 / 45), 1)
    expect(svg).toContain('>100 kB</text>')
    expect(reportPlots(fixtureSnapshots).exports).toBeUndefined()

    const html = renderHtmlReport(input, plots, { title: 'report' })
    expect(html).toContain('<h2>Exported files</h2>')
    expect(html).toContain('<td class="n">17.8×</td>')
    expect(html.match(/<svg /g)).toHaveLength(6)
    expect(renderHtmlReport({ ...input, snapshots: fixtureSnapshots }, reportPlots(fixtureSnapshots), { title: 'report' })).not.toContain('Exported files')
  })

  it('puts the same table in report.md and the variants in report.json', async () => {
    const md = renderMarkdownReport(input, { histograms: [], exports: { title: 'sizes', href: 'exports.png' } }, 'report')
    expect(md).toContain('## Exported files')
    expect(md).toContain('| export-sparse-uint8 | sparse, uint8 | 60.00 kB | 45.00 kB | 44.00 kB | 23.7× | 0.9425 | 4.00e-3 |')
    expect(md).toContain('![sizes](exports.png)')
    const out = mkdtempSync(join(tmpdir(), 'prunekit-exports-json-'))
    const reporter = jsonReporter.create(jsonReporter.options.parse({}), { out, quiet: false })
    reporter.onRunStart?.(fixtureRun)
    await reporter.onRunEnd?.({ snapshots, steps: fixtureSteps, seconds: 2, out, files: [] })
    const json = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
    expect(json.exports.map((v: { label: string; ratio: number }) => [v.label, v.ratio.toFixed(2)])).toEqual([
      ['export-float32', '5.94'],
      ['export-uint8', '17.81'],
      ['export-sparse-uint8', '23.74'],
    ])
  })

  it('keeps the headline cards and the console\'s layer table on the model\'s last stage, not on an export read back', async () => {
    const html = renderHtmlReport(input, reportPlots(snapshots), { title: 'report' })
    expect(html).toContain('<span>test accuracy, baseline → finetuned</span>')
    let text = ''
    const reporter = createConsoleReporter({ progress: false, table: true }, true, { write: (s: string) => (text += s) })
    for (const s of snapshots) reporter.onSnapshot?.(s)
    await reporter.onRunEnd?.({ snapshots, steps: fixtureSteps, seconds: 2, out: 'out', files: [] })
    expect(text).toContain('export-uint8 - Loss: 0.3000, Accuracy: 0.9430')
    expect(text).toMatch(/dense_1 .*80\.00%/)
  })
})
