import { decimalFormat, yAxis } from './axis.js'
import { escapeXml } from './escape.js'
import { attrs, ink, legend, num, plotArea, svgDocument, text, textWidth, type LegendItem } from './frame.js'
import { linearScale, linearTicks, niceStep } from './scale.js'

export interface Bar {
  value: number
  color: string
  opacity?: number
  /** Printed above the bar when there is room, e.g. "93.18%". */
  label?: string
  /** A tooltip in browsers. */
  tooltip?: string
}

/** The bars side by side over one category (a layer). */
export interface BarGroup {
  name: string
  bars: readonly Bar[]
}

export interface ReferenceLine {
  value: number
  label: string
}

export interface BarChartSpec {
  title: string
  groups: readonly BarGroup[]
  legend?: readonly LegendItem[]
  y: { label: string; domain: readonly [number, number]; format?: (value: number) => string }
  xLabel: string
  /** Dashed horizontal lines, e.g. the whole model's sparsity. */
  references?: readonly ReferenceLine[]
  width?: number
  height?: number
}

/** Grouped vertical bars with value labels, a y axis, category names below and dashed reference lines. */
export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 640
  const height = spec.height ?? 360
  const key = spec.legend?.length ? legend(spec.legend, width / 2, 40, width - 40) : { svg: '', height: 0 }
  // Long or many category names are drawn slanted, with the room they need below the plot.
  const longest = Math.max(0, ...spec.groups.map((g) => textWidth(g.name, 12)))
  const slanted = longest > (width - 104) / Math.max(1, spec.groups.length) - 6
  const nameDepth = slanted ? Math.min(140, longest * 0.64 + 10) : 18
  const area = plotArea(width, height, { top: 40 + key.height + 20, right: 28, bottom: nameDepth + 40, left: 76 })
  const [y0, y1] = spec.y.domain
  const y = linearScale([y0, y1], [area.top + area.height, area.top])
  const format = spec.y.format ?? decimalFormat(niceStep(y1 - y0, 5))
  const band = area.width / Math.max(1, spec.groups.length)
  const marks: string[] = []
  const names: string[] = []
  spec.groups.forEach((group, g) => {
    const inner = band * 0.7
    const barWidth = inner / Math.max(1, group.bars.length)
    const start = area.left + g * band + (band - inner) / 2
    group.bars.forEach((bar, b) => {
      const left = start + b * barWidth + 1
      const w = Math.max(1, barWidth - 2)
      const top = y(Math.min(y1, Math.max(y0, bar.value)))
      const base = y(Math.max(y0, Math.min(y1, 0)))
      const tooltip = bar.tooltip ? `<title>${escapeXml(bar.tooltip)}</title>` : ''
      marks.push(`<path${attrs({ class: 'mark', d: `M${num(left)} ${num(base)}V${num(top)}H${num(left + w)}V${num(base)}Z`, fill: bar.color, 'fill-opacity': bar.opacity })}>${tooltip}</path>`)
      if (bar.label && textWidth(bar.label, 11) <= barWidth + 8) {
        marks.push(text(left + w / 2, top - 5, bar.label, { 'text-anchor': 'middle', 'font-size': 11, fill: ink.text }))
      }
    })
    const cx = area.left + g * band + band / 2
    const cy = area.top + area.height + 18
    names.push(
      slanted
        ? text(cx + 4, cy - 4, group.name, { 'text-anchor': 'end', 'font-size': 12, fill: ink.text, transform: `rotate(-40 ${num(cx + 4)} ${num(cy - 4)})` })
        : text(cx, cy, group.name, { 'text-anchor': 'middle', 'font-size': 12, fill: ink.text }),
    )
  })
  const references = (spec.references ?? []).map((ref) => {
    const ry = y(ref.value)
    return `<g class="reference"><path${attrs({ d: `M${num(area.left)} ${num(ry)}H${num(area.left + area.width)}`, stroke: ink.text, 'stroke-dasharray': '6 4' })}/>${text(area.left + area.width - 4, ry - 5, ref.label, { 'text-anchor': 'end', 'font-size': 11, fill: ink.text })}</g>`
  })
  const bottom = area.top + area.height
  const xLine = [
    `<g class="axis axis-x"><path${attrs({ d: `M${num(area.left)} ${num(bottom)}H${num(area.left + area.width)}`, stroke: ink.axis })}/>`,
    text(area.left + area.width / 2, bottom + nameDepth + 26, spec.xLabel, { 'text-anchor': 'middle', 'font-size': 12, fill: ink.text }),
    '</g>',
  ].join('')
  const description = `Bar chart of ${spec.y.label} for ${spec.groups.map((g) => g.name).join(', ')}.`
  return svgDocument({ kind: 'chart-bars', width, height, title: spec.title, description }, [
    key.svg,
    yAxis(area, { scale: y, ticks: linearTicks(y0, y1, 5), format, label: spec.y.label }),
    `<g class="marks">${marks.join('')}</g>`,
    ...references,
    `<g class="categories">${names.join('')}</g>`,
    xLine,
  ])
}
