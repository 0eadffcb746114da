import { defineMetric, parsePattern, patternGroups, type Metric } from '@prunekit/core'
import { kernelLayers } from './layer-groups.js'
import type { LayerPattern, PatternStats } from './types.js'
import type { WeightStat } from './weight-stats.js'
import { weightStats } from './weight-stats.js'

export interface PatternOptions {
  /** The N:M pattern the `pattern` metric checks, N kept in every M (default '2:4'). */
  pattern?: string
}

function layerPattern(name: string, kernel: WeightStat, n: number, m: number): LayerPattern | undefined {
  const groups = patternGroups(kernel.shape, m)
  if (typeof groups === 'string' || !kernel.values) return undefined
  const values = kernel.values
  let compliant = 0
  let maxKept = 0
  for (let g = 0; g < groups.count; g++) {
    const start = groups.start(g)
    let kept = 0
    for (let j = 0; j < m; j++) if (values[start + j * groups.stride] !== 0) kept++
    if (kept <= n) compliant++
    if (kept > maxKept) maxKept = kept
  }
  return { name, groups: groups.count, compliant, compliance: groups.count === 0 ? 1 : compliant / groups.count, maxKept }
}

/**
 * Opt-in: how far each layer's kernel follows an N:M pattern, as the fraction of its groups of M
 * consecutive weights along the input axis that keep at most N nonzero. Layers whose input axis is not
 * a multiple of M are left out.
 */
export function createPatternMetric(options: PatternOptions = {}): Metric {
  const text = options.pattern ?? '2:4'
  const nm = parsePattern(text)
  if (!nm) throw new RangeError(`pattern metric: write the pattern as N:M with 1 <= N < M (e.g. 2:4), got "${text}"`)
  return defineMetric({
    name: 'pattern',
    description: `Per layer, the fraction of groups of ${nm.m} weights along the kernel's input axis that keep at most ${nm.n} (${text} compliance)`,
    optIn: true,
    async compute(ctx): Promise<PatternStats> {
      const layers = kernelLayers(await weightStats(ctx)).flatMap((layer) => layerPattern(layer.name, layer.kernels[0], nm.n, nm.m) ?? [])
      return { pattern: text, layers }
    },
  })
}

export const patternMetric = createPatternMetric()
