import { describe, expect, it } from 'vitest'
import { barChart } from './bars.js'
import { escapeXml } from './escape.js'
import { histogramChart, stairsPath } from './histogram.js'
import { labelAbove, lineChart } from './line.js'
import { linearScale } from './scale.js'

const hostile = '<b>"x" & \'y\'</b>\u0007'

/** The d attributes of the data marks of a chart. */
const marks = (svg: string) => [...svg.matchAll(/<path class="mark"[^>]* d="([^"]+)"/g)].map((m) => m[1])

describe('escapeXml', () => {
  it('escapes markup and quotes and drops characters XML forbids', () => {
    expect(escapeXml(hostile)).toBe('&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;')
  })
})

describe('histogramChart', () => {
  const series = [
    { name: 'dense_1', color: '#1f77b4', edges: [-1, -0.2, 0.2, 1], counts: [3, 90, 7], note: '90.0% zero' },
    { name: hostile, color: '#ff7f0e', edges: [-0.5, 0, 0.5], counts: [0, 4] },
  ]

  it('outlines each bin from the baseline, step by step', () => {
    const x = linearScale([-1, 1], [0, 200])
    const y = linearScale([0, 100], [100, 0])
    expect(stairsPath([-1, 0, 1], [10, 50], x, y)).toBe('M0 100V90H100V50H200V100Z')
  })

  it('draws one translucent shape per layer, with a legend, axes and escaped text', () => {
    const svg = histogramChart({ title: `Weights: ${hostile}`, series })
    expect(marks(svg)).toHaveLength(2)
    expect(svg).toContain('dense_1 (90.0% zero)')
    expect(svg).toContain('count (log scale)')
    expect(svg).toContain('weight value')
    expect(svg).not.toContain('<b>')
    expect(svg).toContain('&lt;b&gt;&quot;x&quot;')
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
  })

  it('keeps given axes, so charts of several stages line up', () => {
    const a = histogramChart({ title: 'a', series: series.slice(0, 1), xDomain: [-2, 2], maxCount: 1e4 })
    const b = histogramChart({ title: 'b', series: series.slice(1), xDomain: [-2, 2], maxCount: 1e4 })
    const ticks = (svg: string) => svg.match(/<g class="axis axis-[xy]">.*?<\/g>/g)
    expect(ticks(a)).toEqual(ticks(b))
    expect(a).toContain('>10k<')
  })
})

describe('barChart', () => {
  const groups = [
    { name: 'dense_1', bars: [{ value: 0.93, color: '#1f77b4', label: '93.0%', tooltip: 'dense_1: 93%' }] },
    { name: 'output', bars: [{ value: 0.35, color: '#ff7f0e', label: '35.0%' }] },
  ]

  it('draws a bar per value, value labels, category names and a reference line', () => {
    const svg = barChart({ title: 'Sparsity', groups, xLabel: 'layer', y: { label: 'sparsity', domain: [0, 1] }, references: [{ value: 0.9, label: 'whole model: 90.00%' }] })
    expect(marks(svg)).toHaveLength(2)
    for (const text of ['93.0%', '35.0%', '>dense_1<', '>output<', 'whole model: 90.00%', '<title>dense_1: 93%</title>']) expect(svg).toContain(text)
    const [tall, short] = marks(svg).map((d) => Number(d.match(/V([\d.]+)H/)![1]))
    expect(tall).toBeLessThan(short) // higher value, higher bar (smaller y)
  })

  it('slants category names that would not fit side by side', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `block_${i}_conv2d_depthwise`, bars: [{ value: 0.5, color: '#000' }] }))
    expect(barChart({ title: 't', groups: many, xLabel: 'layer', y: { label: 's', domain: [0, 1] } })).toContain('rotate(-40')
    expect(barChart({ title: 't', groups, xLabel: 'layer', y: { label: 's', domain: [0, 1] } })).not.toContain('rotate(-40')
  })
})

describe('lineChart', () => {
  const points = [
    { x: 0, y: 0.95, label: 'Before pruning' },
    { x: 0.9, y: 0.92, label: 'After pruning' },
    { x: 0.9, y: 0.946, label: 'After fine-tuning' },
  ]

  it('joins the points in order and labels each one', () => {
    const svg = lineChart({ title: 'Accuracy', series: [{ name: 'accuracy', color: '#1f77b4', points }], x: { label: 'model sparsity', domain: [0, 1] }, y: { label: 'test accuracy', domain: [0.9, 0.96] } })
    expect(marks(svg)).toHaveLength(1)
    expect(marks(svg)[0].match(/[ML]/g)).toEqual(['M', 'L', 'L'])
    expect(svg.match(/<circle class="mark"/g)).toHaveLength(3)
    for (const p of points) expect(svg).toContain(`>${p.label}<`)
  })

  it('puts a label above a point the line rose to and below one it fell to', () => {
    expect(points.map((_, i) => labelAbove(points, i))).toEqual([true, false, true])
    expect(labelAbove([{ x: 0, y: 0.8 }, { x: 0.5, y: 0.9 }], 0)).toBe(false)
  })
})
