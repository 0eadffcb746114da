import type { MetricKey, TrialMetrics } from './outcome.js'

/** The costs a sweep trades accuracy against. */
export const costs = ['bytes', 'macs', 'latencyMs'] as const satisfies readonly MetricKey[]
export type Cost = (typeof costs)[number]

/** The quality to maximise: accuracy when every trial has it, else the negated loss. */
export function qualityOf(metrics: readonly TrialMetrics[]): { key: 'accuracy' | 'loss'; value: (m: TrialMetrics) => number | undefined } | undefined {
  if (metrics.length && metrics.every((m) => m.accuracy !== undefined)) return { key: 'accuracy', value: (m) => m.accuracy }
  if (metrics.length && metrics.every((m) => m.loss !== undefined)) return { key: 'loss', value: (m) => (m.loss === undefined ? undefined : -m.loss) }
  return undefined
}

/**
 * The indices of the points no other point beats: none is at most as costly and at least as good,
 * and strictly better in one of the two. Ties (the same cost and quality) all stay on the front.
 */
export function paretoFront(points: ReadonlyArray<{ cost: number; quality: number }>): number[] {
  return points.flatMap((p, i) =>
    points.some((q) => q.cost <= p.cost && q.quality >= p.quality && (q.cost < p.cost || q.quality > p.quality)) ? [] : [i],
  )
}
