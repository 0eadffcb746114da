/** Maps a data value to a pixel position. */
export interface Scale {
  (value: number): number
  domain: readonly [number, number]
  range: readonly [number, number]
}

function makeScale(domain: readonly [number, number], range: readonly [number, number], transform: (v: number) => number): Scale {
  const [d0, d1] = [transform(domain[0]), transform(domain[1])]
  const span = d1 - d0 || 1
  const scale = (value: number) => range[0] + ((transform(value) - d0) / span) * (range[1] - range[0])
  return Object.assign(scale, { domain, range })
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  return makeScale(domain, range, (v) => v)
}

/**
 * A logarithmic scale that also places zero: position follows log10(1 + value), so a count of
 * 0 sits on the baseline and each decade above 10 takes about the same height.
 */
export function log1pScale(max: number, range: readonly [number, number]): Scale {
  return makeScale([0, max], range, (v) => Math.log10(1 + Math.max(0, v)))
}

/** A step of 1, 2 or 5 times a power of ten that splits `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1
  const raw = span / Math.max(1, count)
  const power = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / power
  return (fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10) * power
}

/** Multiples of a nice step inside [min, max] (zero is exact, never -0 or 1e-17). */
export function linearTicks(min: number, max: number, count = 6): number[] {
  const step = niceStep(max - min, count)
  const ticks: number[] = []
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) ticks.push(i === 0 ? 0 : Number((i * step).toPrecision(12)))
  return ticks
}

/** [min, max] widened to multiples of a nice step (for an axis that should end on a tick). */
export function niceDomain(min: number, max: number, count = 6): [number, number] {
  if (min === max) return [min - 1, max + 1]
  const step = niceStep(max - min, count)
  return [Math.floor(min / step) * step, Math.ceil(max / step) * step]
}

/** The smallest power of ten at or above n (1 for n <= 1). */
export function decadeCeil(n: number): number {
  return n <= 1 ? 1 : 10 ** Math.ceil(Math.log10(n) - 1e-12)
}

/** Ticks of a log1p count axis up to `max` (a power of ten): 0, then the decades that have room. */
export function countTicks(max: number, scale: Scale, minGap = 14): number[] {
  const ticks = [0]
  for (let decade = 1; decade <= max; decade *= 10) {
    if (Math.abs(scale(decade) - scale(ticks.at(-1) ?? 0)) >= minGap) ticks.push(decade)
  }
  return ticks
}
