import { decimalFormat, xAxis, yAxis } from './axis.js'
import { attrs, dashPattern, ink, legend, num, plotArea, svgDocument, text, textWidth } from './frame.js'
import { linearScale, linearTicks, niceStep } from './scale.js'

export interface LinePoint {
  x: number
  y: number
  /** Written next to the point, e.g. the stage name. */
  label?: string
  /** The label's baseline, in pixels below the point (negative: above); default: above or below by the line's slope. */
  labelDy?: number
}

export interface LineSeries {
  name: string
  color: string
  points: readonly LinePoint[]
  /** Join the points with a line (default); false draws the markers only (a scatter). */
  joined?: boolean
  /** A dashed line, e.g. a control beside the series it controls. */
  dashed?: boolean
  /** Marker radius in pixels (default 5; 0 draws none). */
  marker?: number
}

export interface LineAxis {
  label: string
  domain: readonly [number, number]
  format?: (value: number) => string
  /** Tick values (default: evenly spaced nice numbers). */
  ticks?: number[]
}

export interface LineChartSpec {
  title: string
  series: readonly LineSeries[]
  x: LineAxis
  y: LineAxis
  width?: number
  height?: number
}

/**
 * Where a point's label goes: above it when the line rose to it (or it is the first point),
 * below when the line fell, so labels of nearby points tend to sit apart.
 */
export function labelAbove(points: readonly LinePoint[], index: number): boolean {
  return index === 0 ? points.length < 2 || points[1].y <= points[0].y : points[index].y >= points[index - 1].y
}

/** Points joined in order, with a marker and a label at each point, and a legend when there are several series. */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 640
  const height = spec.height ?? 360
  const key = spec.series.length > 1 ? legend(spec.series.map((s) => ({ label: s.name, color: s.color, shape: 'line' as const, dashed: s.dashed })), width / 2, 40, width - 40) : { svg: '', height: 0 }
  const area = plotArea(width, height, { top: 40 + key.height + 20, right: 40, bottom: 58, left: 76 })
  const x = linearScale(spec.x.domain, [area.left, area.left + area.width])
  const y = linearScale(spec.y.domain, [area.top + area.height, area.top])
  const xFormat = spec.x.format ?? decimalFormat(niceStep(spec.x.domain[1] - spec.x.domain[0], 6))
  const yFormat = spec.y.format ?? decimalFormat(niceStep(spec.y.domain[1] - spec.y.domain[0], 5))
  const marks = spec.series.map((s) => {
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${num(x(p.x))} ${num(y(p.y))}`).join('')
    const dots = s.points.map((p, i) => {
      const [px, py] = [x(p.x), y(p.y)]
      const dy = p.labelDy ?? (labelAbove(s.points, i) ? -9 : 18)
      const nearRight = px + 8 + textWidth(p.label ?? '', 12) > width - 8
      const label = p.label
        ? text(nearRight ? px - 8 : px + 8, py + dy, p.label, { 'text-anchor': nearRight ? 'end' : 'start', 'font-size': 12, fill: ink.text })
        : ''
      const marker = s.marker ?? 5
      return `${marker > 0 ? `<circle${attrs({ class: 'mark', cx: px, cy: py, r: marker, fill: s.color, stroke: ink.background, 'stroke-width': 1.5 })}/>` : ''}${label}`
    })
    const path = s.joined === false || s.points.length < 2 ? '' : `<path${attrs({ class: 'mark', d, fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-linejoin': 'round', 'stroke-dasharray': s.dashed ? dashPattern : undefined })}/>`
    return `<g class="series">${path}${dots.join('')}</g>`
  })
  const points = spec.series.flatMap((s) => s.points.map((p) => `${p.label ?? ''} (${xFormat(p.x)}, ${yFormat(p.y)})`))
  return svgDocument({ kind: 'chart-line', width, height, title: spec.title, description: `${spec.y.label} against ${spec.x.label}: ${points.join('; ')}.` }, [
    key.svg,
    xAxis(area, { scale: x, ticks: spec.x.ticks ?? linearTicks(spec.x.domain[0], spec.x.domain[1], 6), format: xFormat, label: spec.x.label }),
    yAxis(area, { scale: y, ticks: spec.y.ticks ?? linearTicks(spec.y.domain[0], spec.y.domain[1], 5), format: yFormat, label: spec.y.label }),
    `<g class="marks">${marks.join('')}</g>`,
  ])
}
