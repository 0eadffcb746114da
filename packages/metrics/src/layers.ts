import { defineMetric, layerUnits } from '@prunekit/core'
import { kernelLayers } from './layer-groups.js'
import type { LayerStats } from './types.js'
import { weightStats } from './weight-stats.js'

export const layersMetric = defineMetric({
  name: 'layers',
  description: 'One row per layer with a kernel: type, kernel shape, params, nonzero, sparsity (of the kernel as built), bias params, units',
  async compute(ctx): Promise<LayerStats[]> {
    const unitsOf = new Map(layerUnits(ctx.model).map((l) => [l.name, l.units]))
    return kernelLayers(await weightStats(ctx)).map((layer): LayerStats => {
      const units = unitsOf.get(layer.name)
      const params = layer.kernels.reduce((n, w) => n + w.size, 0)
      const built = layer.kernels.reduce((n, w) => n + w.builtSize, 0)
      const nonzero = layer.kernels.reduce((n, w) => n + w.nonzero, 0)
      return {
        name: layer.name,
        type: layer.type,
        shape: [...layer.kernels[0].shape],
        params,
        nonzero,
        sparsity: built === 0 ? 0 : (built - nonzero) / built,
        ...(built === params ? {} : { builtParams: built }),
        biasParams: layer.others.reduce((n, w) => n + w.size, 0),
        ...(units === undefined ? {} : { units }),
      }
    })
  },
})
