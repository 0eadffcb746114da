import { defineMetric, type Metric, type Snapshot } from '@prunekit/core'
import { defaultBins, edgesProblem, histogram, symmetricEdges } from './binning.js'
import { kernelLayers, type KernelLayer } from './layer-groups.js'
import { readHistograms } from './readers.js'
import type { HistogramSet, LayerHistogram } from './types.js'
import { weightStats } from './weight-stats.js'

export interface HistogramOptions {
  /** Number of bins for a layer seen for the first time; odd so zero has a bin of its own centre. */
  bins?: number
}

const metricName = 'histograms'

/** The latest edges recorded for each layer in earlier snapshots, so every stage shares one scale. */
export function earlierEdges(history: readonly Snapshot[], name = metricName): Map<string, number[]> {
  const edges = new Map<string, number[]>()
  for (const snapshot of history) {
    for (const layer of readHistograms(snapshot, name)?.layers ?? []) {
      if (edgesProblem(layer.edges) === undefined) edges.set(layer.name, layer.edges)
    }
  }
  return edges
}

function layerHistogram(layer: KernelLayer, edges: number[]): LayerHistogram {
  const counts = new Array<number>(edges.length - 1).fill(0)
  for (const kernel of layer.kernels) {
    histogram(kernel.values ?? new Float32Array(0), edges).forEach((n, i) => (counts[i] += n))
  }
  return { name: layer.name, edges: [...edges], counts }
}

/**
 * Histograms of each layer's kernel values. A layer's edges are fixed by its first snapshot
 * (symmetric, [-max|w|, max|w|]) and reused after, so before / pruned / finetuned compare bin by bin.
 */
export function createHistogramsMetric(options: HistogramOptions = {}): Metric {
  const bins = options.bins ?? defaultBins
  if (!Number.isInteger(bins) || bins < 1 || bins % 2 === 0) {
    throw new RangeError(`histogram bins must be a positive odd integer (so zero has a centre bin), got ${bins}`)
  }
  return defineMetric({
    name: metricName,
    description: `Histograms of each layer's kernel values in ${bins} bins, with edges fixed at the first snapshot`,
    async compute(ctx): Promise<HistogramSet> {
      const known = earlierEdges(ctx.history)
      const layers = kernelLayers(await weightStats(ctx)).map((layer) => {
        const maxAbs = Math.max(...layer.kernels.map((k) => k.maxAbs))
        return layerHistogram(layer, known.get(layer.name) ?? symmetricEdges(maxAbs > 0 ? maxAbs : 1, bins))
      })
      return { bins, layers }
    },
  })
}

export const histogramsMetric = createHistogramsMetric()
