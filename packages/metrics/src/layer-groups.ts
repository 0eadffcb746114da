import type { WeightStat, WeightStats } from './weight-stats.js'

/** The weights of one layer that has at least one kernel, split into kernels and the rest. */
export interface KernelLayer {
  name: string
  type: string
  kernels: WeightStat[]
  others: WeightStat[]
}

/** Layers with a kernel, in model order. */
export function kernelLayers(stats: WeightStats): KernelLayer[] {
  const byName = new Map<string, KernelLayer>()
  for (const w of stats.weights) {
    let layer = byName.get(w.layerName)
    if (!layer) byName.set(w.layerName, (layer = { name: w.layerName, type: w.layerType, kernels: [], others: [] }))
    ;(w.prunable ? layer.kernels : layer.others).push(w)
  }
  return [...byName.values()].filter((layer) => layer.kernels.length > 0)
}
