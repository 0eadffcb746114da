import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumPath, hasChromium, launchChromium } from './browser.js'
import { cli, tempDir } from './run-cli.js'
import { tinyConfig } from './tiny-config.js'

/** Where a person (or the developer's image viewer) finds the last screenshot. */
const screenshotCopy = '/tmp/prunekit-report.png'

interface RenderedChart {
  kind: string
  title: string
  marks: Array<{ tag: string; d: string; width: number; height: number }>
  axes: number
  texts: string[]
  legend: number
}

// Without chromium the browser test is skipped on a developer's machine, and fails in CI.
describe.runIf(hasChromium || process.env.CI)('report.html in headless Chromium', () => {
  let browser: Browser
  let dir: string

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`)
    dir = tempDir({ 'prunekit.yaml': tinyConfig({ reporters: '[json, html]' }) })
    const result = await cli(['run', 'prunekit.yaml', '--quiet'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('renders every chart as SVG with axes, legends and non-empty marks, without a console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const errors: string[] = []
    const requests: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    page.on('request', (request) => requests.push(request.url()))
    const url = pathToFileURL(join(dir, 'out/report.html')).href
    await page.goto(url, { waitUntil: 'load' })

    const charts: RenderedChart[] = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => ({
        kind: svg.classList[1] ?? '',
        title: svg.querySelector('title')?.textContent ?? '',
        marks: Array.from(svg.querySelectorAll('.mark')).map((mark) => {
          const box = mark.getBoundingClientRect()
          return { tag: mark.tagName, d: mark.getAttribute('d') ?? '', width: box.width, height: box.height }
        }),
        axes: svg.querySelectorAll('.axis').length,
        texts: Array.from(svg.querySelectorAll('text')).map((t) => t.textContent ?? ''),
        legend: svg.querySelectorAll('.legend text').length,
      })),
    )
    expect(charts.map((c) => c.kind).sort()).toEqual(['chart-bars', 'chart-histogram', 'chart-histogram', 'chart-histogram', 'chart-line', 'chart-line'])
    expect(charts.filter((c) => c.kind === 'chart-histogram').map((c) => c.title)).toEqual(['Weights: Before pruning', 'Weights: After pruning', 'Weights: After fine-tuning'])
    for (const chart of charts) {
      const paths = chart.marks.filter((m) => m.tag === 'path')
      expect(paths.length, chart.title).toBeGreaterThan(0)
      for (const path of paths) {
        expect(path.d, chart.title).toMatch(/^M[\d.-]+ [\d.-]+[VHL]/)
        expect(path.width + path.height, chart.title).toBeGreaterThan(0)
      }
      expect(chart.axes, chart.title).toBe(2)
      expect(chart.texts.filter((t) => t.trim()).length, chart.title).toBeGreaterThan(5)
    }
    for (const histogram of charts.filter((c) => c.kind === 'chart-histogram')) {
      expect(histogram.legend).toBe(2) // the tiny MLP's two Dense layers
      expect(histogram.marks).toHaveLength(2)
      expect(histogram.texts).toContain('count (log scale)')
    }
    expect(charts.find((c) => c.kind === 'chart-bars')!.texts).toEqual(expect.arrayContaining(['dense_1', 'output', 'whole model: 80.00%']))

    const headings = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent))
    expect(headings).toEqual(['Summary', 'Accuracy and sparsity', 'Training curves', 'Per-layer sparsity', 'Weight histograms', 'Pipeline', 'Config'])
    expect(await page.$$eval('#summary tbody tr', (rows) => rows.length)).toBe(3)
    expect(await page.textContent('#config pre')).toContain('zoo: mlp')

    const screenshot = join(dir, 'report-screenshot.png')
    await page.screenshot({ path: screenshot, fullPage: true })
    copyFileSync(screenshot, screenshotCopy)

    expect(errors).toEqual([])
    expect(requests.filter((r) => !r.startsWith('file:'))).toEqual([])
    await page.close()
  })

  it('charts accuracy against gzip bytes for exported variants, one visible point each, beside their table', async () => {
    const exports = '  - evaluate: { label: finetuned }\n  - export: { dir: f32 }\n  - export: { dir: u8, quantize: uint8, minSize: 0 }\n'
    const exported = tempDir({ 'prunekit.yaml': tinyConfig({ reporters: '[html]' }).replace('  - evaluate: { label: finetuned }\n', exports) })
    const result = await cli(['run', 'prunekit.yaml', '--quiet'], exported)
    expect(result.code).toBe(0)
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(pathToFileURL(join(exported, 'out/report.html')).href, { waitUntil: 'load' })
    const chart = await page.$eval('#exports svg.chart', (svg) => ({
      points: Array.from(svg.querySelectorAll('circle.mark')).map((c) => c.getBoundingClientRect().width),
      texts: Array.from(svg.querySelectorAll('text')).map((t) => t.textContent ?? ''),
    }))
    expect(chart.points).toHaveLength(2)
    for (const width of chart.points) expect(width).toBeGreaterThan(0)
    expect(chart.texts).toEqual(expect.arrayContaining(['f32', 'u8']))
    const rows = await page.$$eval('#exports tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)))
    expect(rows.map((r) => r.slice(0, 2))).toEqual([['export-f32', 'float32'], ['export-u8', 'uint8']])
    await page.close()
  })
})
