import type { LayersModel } from '@tensorflow/tfjs-layers'

/** One layer of a model as plain data: what the dependency analysis reads, without tensors. */
export interface LayerNode {
  name: string
  /** The layer's class name: Dense, Conv2D, BatchNormalization, Add ... */
  className: string
  /** The layer's own config (tfjs camelCase keys: units, filters, activation, axis ...). */
  config: Record<string, unknown>
  /** Names of the layers whose outputs this layer reads, in order (empty for an input). */
  inputs: string[]
  /** Shapes of those inputs and of the output, without the batch dimension; -1 where unknown. */
  inputShapes: number[][]
  outputShape: number[]
  /** Times the layer is applied in the model: more than one for a shared layer. */
  calls: number
  /** A layer with several output tensors. */
  multiOutput: boolean
}

/** A model's layers in topological order (inputs first) and the layers that produce its outputs. */
export interface ModelGraph {
  nodes: LayerNode[]
  outputs: string[]
}

type Shape = Array<number | null>

const isShapeList = (shape: Shape | Shape[]): shape is Shape[] => Array.isArray(shape[0])
const withoutBatch = (shape: Shape): number[] => shape.slice(1).map((d) => d ?? -1)

function configOf(layer: LayersModel['layers'][number]): Record<string, unknown> {
  try {
    return { ...layer.getConfig() }
  } catch {
    return {} // a custom layer without getConfig: the analysis treats its class as unsupported anyway
  }
}

/** Describes a tf.LayersModel (Sequential or functional) as a graph of plain layer nodes. */
export function describeModel(model: LayersModel): ModelGraph {
  const inputLayers = model.inputs.map((t) => t.sourceLayer)
  const layers = [...inputLayers.filter((l) => !model.layers.includes(l)), ...model.layers]
  const nodes = layers.map((layer): LayerNode => {
    const inbound = layer.inboundNodes[0]
    const inputs = inbound ? inbound.inboundLayers.map((l) => l.name) : []
    const producers = inbound ? inbound.inboundLayers : []
    const output = layer.outputShape as Shape | Shape[]
    const multiOutput = isShapeList(output)
    return {
      name: layer.name,
      className: layer.getClassName(),
      config: configOf(layer),
      inputs,
      inputShapes: producers.map((p, i) => {
        const shape = p.outputShape as Shape | Shape[]
        return withoutBatch(isShapeList(shape) ? shape[inbound.tensorIndices[i]] : shape)
      }),
      outputShape: multiOutput ? withoutBatch((output as Shape[])[0]) : withoutBatch(output as Shape),
      calls: Math.max(1, layer.inboundNodes.length),
      multiOutput,
    }
  })
  return { nodes, outputs: model.outputs.map((t) => t.sourceLayer.name) }
}
