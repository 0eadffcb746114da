import { defineMetric, type PrunableModel } from '@prunekit/core'
import { kernelLayers } from './layer-groups.js'
import type { FlopsStats, LayerFlops } from './types.js'
import { weightStats } from './weight-stats.js'

type Shape = Array<number | null>

// Each kernel entry is used once per position of the output (Dense, Conv, DepthwiseConv, SeparableConv),
// except in transposed convolutions (once per input pixel) and recurrent layers (once per time step).
const perInputPosition = new Set(['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'SimpleRNN', 'GRU', 'LSTM'])
// Kernels that are looked up, not multiplied.
const lookups = new Set(['Embedding'])

/** Positions a kernel is applied at: the product of a shape's dimensions other than the batch and the channels. */
function positionsOf(shape: Shape | Shape[] | undefined): number {
  const single = shape && Array.isArray(shape[0]) ? (shape as Shape[])[0] : (shape as Shape | undefined)
  return (single ?? []).slice(1, -1).reduce<number>((n, d) => n * (d ?? 1), 1)
}

function positionsFor(model: PrunableModel, layerName: string, type: string): number {
  if (lookups.has(type)) return 0
  const layer = model.model.getLayer(layerName)
  return perInputPosition.has(type) ? positionsOf(layer.inboundNodes[0]?.inputShapes as Shape | Shape[] | undefined) : positionsOf(layer.outputShape as Shape | Shape[])
}

/**
 * Multiply-accumulates of one forward pass of one sample: per layer with a kernel and in total. `macs`
 * counts every kernel entry of the model as it is (a structurally pruned model is really smaller);
 * `effectiveMacs` counts only the nonzero ones, what a sparse kernel would do after unstructured masks.
 * Bias adds, normalisation, activations and pooling are not multiply-accumulates and are left out.
 */
export const flopsMetric = defineMetric({
  name: 'flops',
  description: 'Multiply-accumulates per sample, per layer and in total: of the model as it is, and effective (nonzero kernel entries only)',
  async compute(ctx): Promise<FlopsStats> {
    const layers = kernelLayers(await weightStats(ctx)).map((layer): LayerFlops => {
      const positions = positionsFor(ctx.model, layer.name, layer.type)
      return {
        name: layer.name,
        type: layer.type,
        macs: positions * layer.kernels.reduce((n, w) => n + w.size, 0),
        effectiveMacs: positions * layer.kernels.reduce((n, w) => n + w.nonzero, 0),
      }
    })
    return {
      macs: layers.reduce((n, l) => n + l.macs, 0),
      effectiveMacs: layers.reduce((n, l) => n + l.effectiveMacs, 0),
      layers,
    }
  },
})
