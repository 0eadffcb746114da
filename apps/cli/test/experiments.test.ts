import { copyFileSync, existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumPath, hasChromium, launchChromium, pageErrors } from './browser.js'
import { cli, tempDir } from './run-cli.js'

/** A tiny lottery-ticket run: train, then two rounds rewound to init, each with its re-initialised control. */
const lottery = (seed: number, learningRate: number) => `seed: ${seed}
model: { zoo: mlp, units: [16] }
data: { dataset: mnist, train: 300, test: 100 }
train: { batchSize: 50, learningRate: ${learningRate} }
pipeline:
  - train: { epochs: 2 }
  - evaluate: { label: dense }
  - iterate:
      rounds: 2
      prune: { strategy: magnitude, scope: global, sparsity: [0.5, 0.8] }
      finetune: { epochs: 2 }
      rewind: init
      control: reinit
reporters: [json, html]
out: out
`

interface Report {
  seconds: number
  steps: Array<{ name: string; summary?: string }>
  training: Array<{ step: number; stepName: string; label: string; control: boolean; epochs: Array<{ epoch: number; loss: number }> }>
  meta: { prunekit: string; tfjs: string; backend: string; host: string; platform: string; startedAt: string; seconds: number }
}

const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as Report
const coreVersion = (createRequire(import.meta.url)('@prunekit/core/package.json') as { version: string }).version

let a: string
let b: string
let began: number

beforeAll(async () => {
  a = tempDir({ 'prunekit.yaml': lottery(3, 0.003) })
  b = tempDir({ 'prunekit.yaml': lottery(4, 0.001) })
  began = Date.now()
  const results = await Promise.all([cli(['run', '--quiet'], a), cli(['run', '--quiet'], b)])
  for (const result of results) {
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  }
})

describe('report.json tracks the experiment', () => {
  it('records each fit\'s loss per epoch, tickets and controls as separate curves', () => {
    const report = readReport(a)
    expect(report.training.map((c) => [c.stepName, c.label, c.control, c.epochs.map((e) => e.epoch)])).toEqual([
      ['train', 'train', false, [1, 2]],
      ['iterate', 'round-1', false, [1, 2]],
      ['iterate', 'round-1-reinit', true, [1, 2]],
      ['iterate', 'round-2', false, [1, 2]],
      ['iterate', 'round-2-reinit', true, [1, 2]],
    ])
    // The train step's own summary names its final loss: the curve's last point.
    const trainLoss = /final train loss (\d\.\d{4})/.exec(report.steps[0].summary ?? '')![1]
    expect(report.training[0].epochs[1].loss.toFixed(4)).toBe(trainLoss)
    for (const curve of report.training) for (const { loss } of curve.epochs) expect(loss).toBeGreaterThan(0)
  })

  it('records prunekit and tfjs versions, backend, host, start time and duration', () => {
    const { meta, seconds } = readReport(a)
    expect(meta).toMatchObject({ prunekit: coreVersion, tfjs: '4.22.0', backend: 'wasm (SIMD)', host: hostname(), seconds })
    expect(meta.platform).toContain(process.version)
    const started = Date.parse(meta.startedAt)
    expect(started).toBeGreaterThanOrEqual(began - 1000)
    expect(started).toBeLessThanOrEqual(Date.now())
  })
})

describe('prunekit compare', () => {
  it('writes one page with the config differences and every run\'s final metrics', async () => {
    const result = await cli(['compare', join(a, 'out'), join(b, 'out/report.json'), '--out', join(a, 'cmp.html')], a)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const html = readFileSync(join(a, 'cmp.html'), 'utf8')
    expect(html).toMatch(/<td>seed<\/td><td>3<\/td><td>4<\/td>/)
    expect(html).toMatch(/<td>train\.learningRate<\/td><td>0\.003<\/td><td>0\.001<\/td>/)
    expect(html).not.toMatch(/<td>model\.zoo<\/td>/) // the same in both runs
    expect(html).not.toMatch(/<script|src="http/)
  })

  it.each([
    [['compare', 'out'], /two or more runs/],
    [['compare', 'out', 'nowhere'], /nowhere does not exist/],
    [['compare', 'out', '.'], /report\.json is missing: that run wrote no report\.json\. Add json to its reporters/],
  ])('refuses %j with exit code 2 and the fix', async (args, message) => {
    const result = await cli(args, a)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(existsSync(join(a, 'compare.html'))).toBe(false)
  })
})

interface Line {
  dashed: boolean
  stroke: string
  length: number
}

/** The series paths of each line chart under `selector`, by chart title. */
const lineCharts = (page: Page, selector: string) =>
  page.$$eval(`${selector} svg.chart-line`, (svgs) =>
    svgs.map((svg) => ({
      title: svg.querySelector('title')?.textContent ?? '',
      legend: Array.from(svg.querySelectorAll('.legend text')).map((t) => t.textContent ?? ''),
      lines: Array.from(svg.querySelectorAll('path.mark')).map((p) => ({ dashed: p.hasAttribute('stroke-dasharray'), stroke: p.getAttribute('stroke') ?? '', length: (p as SVGPathElement).getTotalLength() })),
    })),
  ) as Promise<Array<{ title: string; legend: string[]; lines: Line[] }>>

describe.runIf(hasChromium || process.env.CI)('in headless Chromium', () => {
  let browser: Browser

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`)
    browser = await launchChromium()
    await cli(['compare', join(a, 'out'), join(b, 'out'), '--out', join(a, 'compare.html')], a)
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('report.html draws the training curves, each control dashed in its ticket\'s colour, and heads on the last ticket', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = pageErrors(page)
    await page.goto(pathToFileURL(join(a, 'out/report.html')).href, { waitUntil: 'load' })
    const [training] = await lineCharts(page, '#training')
    expect(training.legend).toEqual(['train (step 1)', 'round-1', 'round-1-reinit (control)', 'round-2', 'round-2-reinit (control)'])
    expect(training.lines.map((l) => l.dashed)).toEqual([false, false, true, false, true])
    expect(training.lines[2].stroke).toBe(training.lines[1].stroke)
    expect(training.lines[4].stroke).toBe(training.lines[3].stroke)
    for (const line of training.lines) expect(line.length).toBeGreaterThan(10)
    const [accuracy] = await lineCharts(page, '#charts')
    expect(accuracy.legend).toEqual(['accuracy: stages', 'accuracy: controls (re-initialised)'])
    expect(await page.textContent('.cards')).toContain('dense → round-2')
    expect(await page.textContent('header .meta')).toContain(`prunekit ${coreVersion}, tfjs 4.22.0`)
    await page.screenshot({ path: '/tmp/prunekit-report-lottery.png', fullPage: true })
    expect(errors).toEqual([])
    await page.close()
  })

  it('compare.html puts the runs side by side: metrics, config diff, one curve per run in each shared fit, nothing fetched', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors = pageErrors(page)
    const requests: string[] = []
    page.on('request', (request) => requests.push(request.url()))
    await page.goto(pathToFileURL(join(a, 'compare.html')).href, { waitUntil: 'load' })
    const rows = await page.$$eval('#metrics tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)))
    expect(rows.map((r) => [r[1], r[4]])).toEqual([['round-2', '80.00%'], ['round-2', '80.00%']])
    const curves = await lineCharts(page, '#training')
    expect(curves.map((c) => c.title)).toEqual(['Training loss: train', 'Training loss: round-1', 'Training loss: round-1-reinit (control)', 'Training loss: round-2', 'Training loss: round-2-reinit (control)'])
    for (const chart of curves) {
      expect(chart.lines).toHaveLength(2)
      expect(new Set(chart.lines.map((l) => l.stroke)).size).toBe(2)
      expect(chart.lines.every((l) => l.dashed)).toBe(chart.title.includes('control'))
    }
    await page.screenshot({ path: '/tmp/prunekit-compare.png', fullPage: true })
    copyFileSync('/tmp/prunekit-compare.png', join(a, 'compare.png'))
    expect(errors).toEqual([])
    expect(requests.filter((r) => !r.startsWith('file:'))).toEqual([])
    await page.close()
  })
})
