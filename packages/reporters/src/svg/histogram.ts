import { countFormat, decimalFormat, xAxis, yAxis } from './axis.js'
import { attrs, ink, legend, num, plotArea, svgDocument, type LegendItem } from './frame.js'
import { countTicks, decadeCeil, linearScale, linearTicks, log1pScale, niceStep, type Scale } from './scale.js'

/** One layer's counts over its bin edges (edges.length === counts.length + 1). */
export interface HistogramSeries {
  name: string
  color: string
  edges: readonly number[]
  counts: readonly number[]
  /** Shown in the legend after the name, e.g. "93.2% zero". */
  note?: string
}

export interface HistogramChartSpec {
  title: string
  series: readonly HistogramSeries[]
  /** Fix the axes (to compare several charts); by default they fit this chart's series. */
  xDomain?: readonly [number, number]
  maxCount?: number
  xLabel?: string
  yLabel?: string
  width?: number
  height?: number
}

/** The x range covered by the series' edges. */
export function edgeDomain(series: readonly Pick<HistogramSeries, 'edges'>[]): [number, number] {
  const edges = series.flatMap((s) => [s.edges[0], s.edges.at(-1)!]).filter(Number.isFinite)
  return edges.length ? [Math.min(...edges), Math.max(...edges)] : [-1, 1]
}

/** An outline of the bars as one closed path: up and across each bin, back down to the baseline. */
export function stairsPath(edges: readonly number[], counts: readonly number[], x: Scale, y: Scale): string {
  const base = y(0)
  let d = `M${num(x(edges[0]))} ${num(base)}`
  counts.forEach((count, i) => (d += `V${num(y(count))}H${num(x(edges[i + 1]))}`))
  return `${d}V${num(base)}Z`
}

/**
 * Overlaid histograms, one translucent outlined shape per series, on a log-scaled count axis so
 * that a spike of pruned weights at zero does not flatten the rest of the distribution.
 */
export function histogramChart(spec: HistogramChartSpec): string {
  const width = spec.width ?? 640
  const height = spec.height ?? 380
  const items: LegendItem[] = spec.series.map((s) => ({ label: s.note ? `${s.name} (${s.note})` : s.name, color: s.color, opacity: 0.3 }))
  const key = legend(items, width / 2, 40, width - 40)
  const area = plotArea(width, height, { top: 40 + key.height + 14, right: 28, bottom: 58, left: 76 })
  const [x0, x1] = spec.xDomain ?? edgeDomain(spec.series)
  const maxCount = decadeCeil(spec.maxCount ?? Math.max(1, ...spec.series.flatMap((s) => s.counts)))
  const x = linearScale([x0, x1], [area.left, area.left + area.width])
  const y = log1pScale(maxCount, [area.top + area.height, area.top])
  const xTicks = linearTicks(x0, x1, 8)
  const marks = spec.series.map(
    (s) =>
      `<path${attrs({ class: 'mark', 'data-series': s.name, d: stairsPath(s.edges, s.counts, x, y), fill: s.color, 'fill-opacity': 0.22, stroke: s.color, 'stroke-width': 1.5, 'stroke-linejoin': 'round' })}/>`,
  )
  const zero = x0 < 0 && x1 > 0 ? `<path${attrs({ class: 'zero', d: `M${num(x(0))} ${num(area.top)}V${num(area.top + area.height)}`, stroke: ink.muted, 'stroke-dasharray': '3 3' })}/>` : ''
  const description = `Overlaid weight histograms of ${spec.series.map((s) => s.name).join(', ')}; counts on a log scale.`
  return svgDocument({ kind: 'chart-histogram', width, height, title: spec.title, description }, [
    key.svg,
    xAxis(area, { scale: x, ticks: xTicks, format: decimalFormat(niceStep(x1 - x0, 8)), label: spec.xLabel ?? 'weight value' }),
    yAxis(area, { scale: y, ticks: countTicks(maxCount, y), format: countFormat, label: spec.yLabel ?? 'count (log scale)' }),
    zero,
    `<g class="marks">${marks.join('')}</g>`,
  ])
}
