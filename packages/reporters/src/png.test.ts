import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reportPlots } from './charts.js'
import { pngReporter } from './png.js'
import { canDrawText, inkIn, svgToPixels } from './render-png.js'
import { fixtureSnapshots, fixtureSteps } from './snapshots.fixture.js'

describe('png plots', () => {
  it('finds a font, so the plots have text', async () => {
    expect(await canDrawText(), 'no font for resvg: apt-get install fonts-dejavu-core').toBe(true)
  })

  it('draws the title, the axis labels and the bars of a chart', async () => {
    const image = await svgToPixels(reportPlots(fixtureSnapshots).histograms[1].svg)
    expect([image.width, image.height]).toEqual([640, 380])
    expect(inkIn(image, 200, 8, 240, 22)).toBeGreaterThan(200) // the title "Weights: After pruning"
    expect(inkIn(image, 8, 150, 20, 120)).toBeGreaterThan(100) // the rotated y label "count (log scale)"
    expect(inkIn(image, 280, 345, 80, 20)).toBeGreaterThan(100) // the x label "weight value"
  })

  it('writes one PNG per stage, sparsity.png and accuracy.png, at the chosen scale', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-png-'))
    const reporter = pngReporter.create(pngReporter.options.parse({ dir: 'plots', scale: 1 }), { out, quiet: true })
    const written = await reporter.onRunEnd?.({ snapshots: fixtureSnapshots, steps: fixtureSteps, seconds: 1, out, files: [] })
    const names = ['weights-before.png', 'weights-pruned.png', 'weights-finetuned.png', 'sparsity.png', 'accuracy.png']
    expect(written).toEqual(names.map((n) => join(out, 'plots', n)))
    expect(readdirSync(join(out, 'plots')).sort()).toEqual([...names].sort())
    const png = readFileSync(join(out, 'plots/weights-before.png'))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBe(640)
  })
})
