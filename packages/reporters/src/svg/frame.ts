import { escapeXml } from './escape.js'

/** DejaVu Sans first: Debian's fonts-dejavu-core, which the PNG renderer finds on the system. */
export const fontFamily = "'DejaVu Sans', Verdana, Helvetica, Arial, sans-serif"

export const ink = { text: '#1f2937', muted: '#6b7280', axis: '#374151', grid: '#e5e7eb', background: '#ffffff' }

/** The plotting rectangle inside a chart, in pixels. */
export interface PlotArea {
  left: number
  top: number
  width: number
  height: number
}

export interface Margins {
  top: number
  right: number
  bottom: number
  left: number
}

export function plotArea(width: number, height: number, margins: Margins): PlotArea {
  return { left: margins.left, top: margins.top, width: width - margins.left - margins.right, height: height - margins.top - margins.bottom }
}

/** A coordinate with at most two decimals, so paths stay short. */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100
  return Object.is(rounded, -0) ? '0' : String(rounded)
}

type Attributes = Record<string, string | number | undefined>

export function attrs(attributes: Attributes): string {
  return Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? num(v) : v as string)}"`)
    .join('')
}

/** A text element; the content is escaped. */
export function text(x: number, y: number, content: string, attributes: Attributes = {}): string {
  return `<text${attrs({ x, y, ...attributes })}>${escapeXml(content)}</text>`
}

/** A rough width of a text in DejaVu Sans, for layout (legends, label placement). */
export function textWidth(content: string, fontSize: number): number {
  return content.length * fontSize * 0.6
}

export interface ChartDocument {
  /** Marks the chart kind for styling and tests: chart-histogram, chart-bars, chart-line. */
  kind: string
  width: number
  height: number
  title: string
  /** A sentence for screen readers: what the chart shows. */
  description: string
}

/** A standalone SVG document (also valid inline in HTML) with a white background, a title, then the body's parts, a line each. */
export function svgDocument(chart: ChartDocument, body: readonly string[]): string {
  const { width, height } = chart
  return [
    `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ class: `chart ${chart.kind}`, width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': chart.title, 'font-family': fontFamily })}>`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<desc>${escapeXml(chart.description)}</desc>`,
    `<rect${attrs({ width, height, fill: ink.background })}/>`,
    text(width / 2, 24, chart.title, { 'text-anchor': 'middle', 'font-size': 16, 'font-weight': 'bold', fill: ink.text }),
    ...body,
    '</svg>',
  ].join('\n')
}

export interface LegendItem {
  label: string
  color: string
  opacity?: number
  /** A line with a dot (line charts) instead of a filled square. */
  shape?: 'square' | 'line'
  /** A dashed line (shape 'line'): a control series. */
  dashed?: boolean
}

/** The dash pattern of dashed series and their legend entries. */
export const dashPattern = '6 4'

/** Legend entries in rows centred at `centerX`, wrapping at `maxWidth`; returns the SVG and its height. */
export function legend(items: readonly LegendItem[], centerX: number, top: number, maxWidth: number): { svg: string; height: number } {
  const fontSize = 12
  const rowHeight = 18
  const widths = items.map((item) => 22 + textWidth(item.label, fontSize) + 16)
  const rows: number[][] = [[]]
  let rowWidth = 0
  widths.forEach((w, i) => {
    if (rowWidth + w > maxWidth && rows.at(-1)!.length) {
      rows.push([])
      rowWidth = 0
    }
    rows.at(-1)!.push(i)
    rowWidth += w
  })
  const parts: string[] = []
  rows.forEach((row, r) => {
    const total = row.reduce((sum, i) => sum + widths[i], 0) - 16
    let x = centerX - total / 2
    const y = top + r * rowHeight
    for (const i of row) {
      const item = items[i]
      parts.push(
        item.shape === 'line'
          ? `<path${attrs({ d: `M${num(x)} ${num(y + 6)}h16`, stroke: item.color, 'stroke-width': 2, 'stroke-dasharray': item.dashed ? dashPattern : undefined })}/><circle${attrs({ cx: x + 8, cy: y + 6, r: 3.5, fill: item.color })}/>`
          : `<rect${attrs({ x, y: y, width: 14, height: 12, rx: 2, fill: item.color, 'fill-opacity': item.opacity, stroke: item.color })}/>`,
        text(x + 20, y + 10.5, item.label, { 'font-size': fontSize, fill: ink.text }),
      )
      x += widths[i]
    }
  })
  return { svg: `<g class="legend">${parts.join('')}</g>`, height: rows.length * rowHeight }
}
