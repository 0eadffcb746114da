import { defineMetric, type PrunableModel } from '@prunekit/core'
import { kernelLayers } from './layer-groups.js'
import type { LayerStats } from './types.js'
import { weightStats } from './weight-stats.js'

/** The last dimension of a layer's output (its units or filters); undefined for a layer with several outputs. */
function unitsOf(model: PrunableModel, name: string): number | undefined {
  const shape = model.model.getLayer(name).outputShape
  const last = Array.isArray(shape[0]) ? undefined : (shape as Array<number | null>).at(-1)
  return typeof last === 'number' ? last : undefined
}

export const layersMetric = defineMetric({
  name: 'layers',
  description: 'One row per layer with a kernel: type, kernel shape, params, nonzero, sparsity (of the kernel as built), bias params, units',
  async compute(ctx): Promise<LayerStats[]> {
    return kernelLayers(await weightStats(ctx)).map((layer): LayerStats => {
      const units = unitsOf(ctx.model, layer.name)
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
