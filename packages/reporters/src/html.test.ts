import type { RunInfo, Snapshot } from '@prunekit/core'
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reportPlots } from './charts.js'
import { renderHtmlReport } from './html-page.js'
import { htmlReporter } from './html.js'
import { fixtureRun, fixtureSnapshots, fixtureSteps } from './snapshots.fixture.js'

const attack = '<script>alert(1)</script>'

function render(snapshots: readonly Snapshot[] = fixtureSnapshots, run: RunInfo | undefined = fixtureRun, title = 'prunekit report') {
  return renderHtmlReport({ run, snapshots, steps: fixtureSteps, seconds: 2.5 }, reportPlots(snapshots), { title })
}

describe('renderHtmlReport', () => {
  it('shows the run, the summary, the charts, per-layer sparsity, the steps and the config', () => {
    const html = render()
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html.match(/<h2>[^<]+<\/h2>/g)).toEqual(['<h2>Summary</h2>', '<h2>Accuracy and sparsity</h2>', '<h2>Per-layer sparsity</h2>', '<h2>Weight histograms</h2>', '<h2>Pipeline</h2>', '<h2>Config</h2>'])
    expect(html).toContain('mlp (37 params) on tiny (10 train / 5 test), backend cpu')
    expect(html.match(/<svg /g)).toHaveLength(5)
    expect(html).toContain('<td class="n">0.8800</td>')
    expect(html).toContain('model: { zoo: mlp, units: [ 5 ] }')
  })

  it('opens with a banner when the run was interrupted, and has none otherwise', () => {
    const interrupted = { reason: 'SIGINT', step: { index: 3, name: 'finetune', total: 4 }, message: '' }
    const html = renderHtmlReport({ run: fixtureRun, snapshots: fixtureSnapshots, steps: fixtureSteps, seconds: 2.5, interrupted }, reportPlots(fixtureSnapshots), { title: 't' })
    expect(html).toContain(`<p class="interrupted" role="alert">Interrupted by SIGINT in step 4 of 4 (finetune): this report covers the ${fixtureSteps.length} step(s) that finished.</p>`)
    expect(render()).not.toContain('class="interrupted"')
  })

  it('is one self-contained file: no script, stylesheet link, image or URL to fetch', () => {
    const html = render()
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=/i)
    expect(new Set(html.match(/https?:\/\/[^"\s<]*/g))).toEqual(new Set(['http://www.w3.org/2000/svg']))
  })

  it('escapes every text it shows: labels, layer names, the title and the config', () => {
    const hostile = fixtureSnapshots.map((s) => ({
      ...s,
      label: attack,
      metrics: { ...s.metrics, layers: (s.metrics.layers as Array<{ name: string }>).map((l) => ({ ...l, name: attack })) },
    })) as Snapshot[]
    const run = { ...fixtureRun, config: { ...fixtureRun.config, out: attack }, model: { ...fixtureRun.model, name: attack } } as RunInfo
    const html = render(hostile, run, attack)
    expect(html).not.toContain('<script')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('still renders without a run start, snapshots or histograms', () => {
    const html = renderHtmlReport({ snapshots: [], steps: [], seconds: 0 }, reportPlots([]), { title: 'empty' })
    expect(html).toContain('No snapshots')
    expect(html).not.toContain('<svg')
    expect(html.match(/<h2>[^<]+<\/h2>/g)).toEqual(['<h2>Summary</h2>'])
  })
})

describe('html reporter', () => {
  it('writes report.html into the out directory and returns its path', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-html-'))
    const reporter = htmlReporter.create(htmlReporter.options.parse({ title: 'My run' }), { out, quiet: true })
    await reporter.onRunStart?.(fixtureRun)
    const written = await reporter.onRunEnd?.({ snapshots: fixtureSnapshots, steps: fixtureSteps, seconds: 1, out, files: [] })
    expect(written).toEqual([join(out, 'report.html')])
    expect(readdirSync(out)).toEqual(['report.html'])
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<h1>My run</h1>')
  })
})
