import { defineMetric } from '@prunekit/core'
import { kernelLayers } from './layer-groups.js'
import type { LayerStats } from './types.js'
import { weightStats } from './weight-stats.js'

export const layersMetric = defineMetric({
  name: 'layers',
  description: 'One row per layer with a kernel: type, kernel shape, params, nonzero, sparsity, bias params',
  async compute(ctx): Promise<LayerStats[]> {
    return kernelLayers(await weightStats(ctx)).map((layer): LayerStats => {
      const params = layer.kernels.reduce((n, w) => n + w.size, 0)
      const nonzero = layer.kernels.reduce((n, w) => n + w.nonzero, 0)
      return {
        name: layer.name,
        type: layer.type,
        shape: [...layer.kernels[0].shape],
        params,
        nonzero,
        sparsity: params === 0 ? 0 : (params - nonzero) / params,
        biasParams: layer.others.reduce((n, w) => n + w.size, 0),
      }
    })
  },
})
