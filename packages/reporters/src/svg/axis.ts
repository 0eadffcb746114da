import { attrs, ink, num, text, type PlotArea } from './frame.js'
import type { Scale } from './scale.js'

export interface AxisSpec {
  scale: Scale
  ticks: readonly number[]
  format: (value: number) => string
  label: string
}

const tickLength = 5
const fontSize = 11

/** Digits enough to tell ticks `step` apart: 0.05 -> "0.05", 20 -> "20". */
export function decimalFormat(step: number): (value: number) => string {
  const digits = step > 0 && Number.isFinite(step) ? Math.min(6, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))) : 2
  return (value) => (Object.is(value, -0) ? 0 : value).toFixed(digits).replace(/^-(0\.?0*)$/, '$1')
}

/** Counts as 0, 1, 10, 100, 1k, 10k, 100k, 1M. */
export function countFormat(value: number): string {
  if (value >= 1e6) return `${num(value / 1e6)}M`
  if (value >= 1e3) return `${num(value / 1e3)}k`
  return num(value)
}

export const percentFormat = (value: number): string => `${num(value * 100)}%`

/** The x axis under the plot: line, ticks, tick labels, vertical grid lines and the axis label. */
export function xAxis(area: PlotArea, spec: AxisSpec, grid = true): string {
  const bottom = area.top + area.height
  const parts = spec.ticks.map((tick) => {
    const x = spec.scale(tick)
    return [
      grid ? `<path${attrs({ d: `M${num(x)} ${num(area.top)}V${num(bottom)}`, stroke: ink.grid })}/>` : '',
      `<path${attrs({ d: `M${num(x)} ${num(bottom)}v${tickLength}`, stroke: ink.axis })}/>`,
      text(x, bottom + tickLength + fontSize + 2, spec.format(tick), { 'text-anchor': 'middle', 'font-size': fontSize, fill: ink.text }),
    ].join('')
  })
  return [
    '<g class="axis axis-x">',
    ...parts,
    `<path${attrs({ d: `M${num(area.left)} ${num(bottom)}H${num(area.left + area.width)}`, stroke: ink.axis })}/>`,
    text(area.left + area.width / 2, bottom + 40, spec.label, { 'text-anchor': 'middle', 'font-size': 12, fill: ink.text }),
    '</g>',
  ].join('')
}

/** The y axis left of the plot: line, ticks, tick labels, horizontal grid lines and a rotated label. */
export function yAxis(area: PlotArea, spec: AxisSpec, grid = true): string {
  const right = area.left + area.width
  const parts = spec.ticks.map((tick) => {
    const y = spec.scale(tick)
    return [
      grid ? `<path${attrs({ d: `M${num(area.left)} ${num(y)}H${num(right)}`, stroke: ink.grid })}/>` : '',
      `<path${attrs({ d: `M${num(area.left - tickLength)} ${num(y)}h${tickLength}`, stroke: ink.axis })}/>`,
      text(area.left - tickLength - 3, y + 4, spec.format(tick), { 'text-anchor': 'end', 'font-size': fontSize, fill: ink.text }),
    ].join('')
  })
  const labelX = area.left - 52
  const labelY = area.top + area.height / 2
  return [
    '<g class="axis axis-y">',
    ...parts,
    `<path${attrs({ d: `M${num(area.left)} ${num(area.top)}V${num(area.top + area.height)}`, stroke: ink.axis })}/>`,
    text(labelX, labelY, spec.label, { 'text-anchor': 'middle', 'font-size': 12, fill: ink.text, transform: `rotate(-90 ${num(labelX)} ${num(labelY)})` }),
    '</g>',
  ].join('')
}
