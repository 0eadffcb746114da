import type { LayerNode, ModelGraph } from './graph.js'

/** A BatchNormalization that can be folded into the layer before it. */
export interface BatchNormFold {
  producer: string
  norm: string
}

/** A standalone activation layer that can move into the layer before it. */
export interface ActivationFusion {
  producer: string
  /** The Activation (or ReLU) layer that goes. */
  activation: string
  /** The activation function the producer takes on: relu, relu6, sigmoid ... */
  fn: string
}

/** What folding a model does: BatchNorms folded, then activation layers fused. */
export interface FoldPlan {
  folded: BatchNormFold[]
  fused: ActivationFusion[]
}

const foldInto = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'DepthwiseConv2D'])

const isLinear = (activation: unknown): boolean => activation === undefined || activation === null || activation === 'linear'

/** A layer that can take in what follows it: a Dense or convolution applied once, linear, whose output only `reader` reads. */
function absorbingProducer(graph: ModelGraph, reader: LayerNode): LayerNode | undefined {
  const producer = reader.inputs.length === 1 ? graph.nodes.find((n) => n.name === reader.inputs[0]) : undefined
  if (!producer || !foldInto.has(producer.className) || producer.calls > 1 || !isLinear(producer.config.activation)) return undefined
  const readers = graph.nodes.filter((n) => n.inputs.includes(producer.name)).length + graph.outputs.filter((o) => o === producer.name).length
  return readers === 1 ? producer : undefined
}

/**
 * BatchNorms that directly follow a Dense or convolution with a linear activation, whose output
 * nothing else reads: at inference each is an affine map per channel, which the layer's kernel and bias
 * can absorb. Pure: reads the graph only.
 */
export function foldableBatchNorms(graph: ModelGraph): BatchNormFold[] {
  const channelsLast = (n: LayerNode) => {
    const axis = Array.isArray(n.config.axis) && n.config.axis.length === 1 ? n.config.axis[0] : n.config.axis
    return axis === -1 || axis === n.inputShapes[0]?.length
  }
  return graph.nodes.flatMap((node) => {
    if (node.className !== 'BatchNormalization' || node.calls > 1 || !channelsLast(node)) return []
    const producer = absorbingProducer(graph, node)
    if (!producer || producer.config.dataFormat === 'channelsFirst') return []
    return [{ producer: producer.name, norm: node.name }]
  })
}

/** The function a standalone activation layer applies, when a layer's `activation` config can name it. */
function activationFunction(node: LayerNode): string | undefined {
  if (node.className === 'Activation') return typeof node.config.activation === 'string' ? node.config.activation : undefined
  if (node.className !== 'ReLU') return undefined
  const max = node.config.maxValue
  return max === undefined || max === null ? 'relu' : max === 6 ? 'relu6' : undefined
}

/** The graph once the folded BatchNorms are gone: their readers read the producer. */
function withoutNorms(graph: ModelGraph, folds: BatchNormFold[]): ModelGraph {
  const into = new Map(folds.map((f) => [f.norm, f.producer]))
  const rename = (name: string) => into.get(name) ?? name
  return {
    nodes: graph.nodes.filter((n) => !into.has(n.name)).map((n) => ({ ...n, inputs: n.inputs.map(rename) })),
    outputs: graph.outputs.map(rename),
  }
}

/**
 * Activation (and ReLU) layers that directly follow a Dense or convolution with a linear activation,
 * whose output nothing else reads, once the given BatchNorms are folded: the layer can apply the same
 * function itself (tfjs runs relu, elu and linear in its fused conv2d and matMul kernels). Pure.
 */
export function fusableActivations(graph: ModelGraph, folds: BatchNormFold[] = []): ActivationFusion[] {
  const folded = withoutNorms(graph, folds)
  return folded.nodes.flatMap((node) => {
    const fn = activationFunction(node)
    const producer = fn === undefined || node.calls > 1 ? undefined : absorbingProducer(folded, node)
    return producer && fn ? [{ producer: producer.name, activation: node.name, fn }] : []
  })
}

/** Everything foldable in the graph; activation layers too unless `activations` is false. */
export function planFolds(graph: ModelGraph, options: { activations?: boolean } = {}): FoldPlan {
  const folded = foldableBatchNorms(graph)
  return { folded, fused: options.activations === false ? [] : fusableActivations(graph, folded) }
}
