import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { describeModel, type LayerNode, type ModelGraph } from './graph.js'
import { activationProblem } from './layer-kinds.js'
import { sliceTensor } from './surgery.js'
import { weightKind } from './weights.js'

/** A BatchNormalization that can be folded into the layer before it. */
export interface BatchNormFold {
  producer: string
  norm: string
}

const foldInto = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D', 'DepthwiseConv2D'])

/**
 * BatchNorms that directly follow a Dense or convolution with a linear activation, whose output
 * nothing else reads: at inference each is an affine map per channel, which the layer's kernel and bias
 * can absorb. Pure: reads the graph only.
 */
export function foldableBatchNorms(graph: ModelGraph): BatchNormFold[] {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]))
  const readers = (name: string) => graph.nodes.filter((n) => n.inputs.includes(name)).length + graph.outputs.filter((o) => o === name).length
  const channelsLast = (n: LayerNode) => {
    const axis = Array.isArray(n.config.axis) && n.config.axis.length === 1 ? n.config.axis[0] : n.config.axis
    return axis === -1 || axis === n.inputShapes[0]?.length
  }
  return graph.nodes.flatMap((node) => {
    if (node.className !== 'BatchNormalization' || node.calls > 1 || node.inputs.length !== 1 || !channelsLast(node)) return []
    const producer = byName.get(node.inputs[0])
    if (!producer || !foldInto.has(producer.className) || producer.calls > 1 || producer.config.dataFormat === 'channelsFirst') return []
    const linear = producer.config.activation === undefined || producer.config.activation === null || producer.config.activation === 'linear'
    if (!linear || activationProblem(producer.config.activation) || readers(producer.name) !== 1) return []
    return [{ producer: producer.name, norm: node.name }]
  })
}

interface JsonLayer {
  name?: string
  class_name: string
  config: Record<string, unknown>
  inbound_nodes?: unknown[]
}

/** Replaces every reference to `from` by `to` in a functional topology's inbound nodes and outputs. */
function rewire(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) {
    if (value[0] === from && typeof value[1] === 'number') return [to, ...value.slice(1)]
    return value.map((v) => rewire(v, from, to))
  }
  return value
}

/** The folded kernel and bias: kernel[..., c] * scale[c], and bias[c] * scale[c] + shift[c]. */
function foldedWeights(model: tfl.LayersModel, fold: BatchNormFold): tf.Tensor[] {
  const norm = model.getLayer(fold.norm)
  const weights = new Map(norm.weights.map((v) => [weightKind(v), v.read().dataSync()]))
  const config = norm.getConfig()
  const epsilon = Number(config.epsilon ?? 1e-3)
  const [mean, variance] = [weights.get('moving_mean')!, weights.get('moving_variance')!]
  const channels = mean.length
  const scale = Float32Array.from({ length: channels }, (_, c) => (weights.get('gamma')?.[c] ?? 1) / Math.sqrt(variance[c] + epsilon))
  const shift = Float32Array.from({ length: channels }, (_, c) => (weights.get('beta')?.[c] ?? 0) - mean[c] * scale[c])
  const producer = model.getLayer(fold.producer)
  const own = new Map(producer.weights.map((v) => [weightKind(v), v.read()]))
  const kernelKind = own.has('kernel') ? 'kernel' : 'depthwise_kernel'
  const kernel = own.get(kernelKind)!
  // Row-major with the output channels last (a depthwise kernel's [in, multiplier] is channel in * m + j).
  const values = Float32Array.from(kernel.dataSync(), (w, i) => w * scale[i % channels])
  const bias = own.get('bias')?.dataSync()
  return [tf.tensor(values, kernel.shape, 'float32'), tf.tensor(Float32Array.from(scale, (s, c) => (bias?.[c] ?? 0) * s + shift[c]), [channels], 'float32')]
}

/**
 * For inference: a new model with every foldable BatchNormalization folded into the Dense or
 * convolution before it. It computes what the original computes at inference, with one layer (and one
 * pass over the activations) fewer per fold. Train the original; deploy this.
 */
export async function foldBatchNorm(model: tfl.LayersModel): Promise<{ model: tfl.LayersModel; folded: BatchNormFold[] }> {
  const folds = foldableBatchNorms(describeModel(model))
  const topology = model.toJSON(null, false) as unknown as { config: { layers: JsonLayer[]; output_layers?: unknown } }
  const config = topology.config
  for (const fold of folds) {
    config.layers = config.layers.filter((entry) => entry.config.name !== fold.norm)
    const producer = config.layers.find((entry) => entry.config.name === fold.producer)!
    producer.config.use_bias = true
    for (const entry of config.layers) if (entry.inbound_nodes) entry.inbound_nodes = rewire(entry.inbound_nodes, fold.norm, fold.producer) as unknown[]
    if (config.output_layers) config.output_layers = rewire(config.output_layers, fold.norm, fold.producer)
  }
  const folded = await tfl.models.modelFromJSON({ modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'] })
  try {
    const byProducer = new Map(folds.map((f) => [f.producer, f]))
    for (const layer of folded.layers) {
      if (layer.weights.length === 0) continue
      const fold = byProducer.get(layer.name)
      const original = new Map(model.getLayer(layer.name).weights.map((v) => [weightKind(v), v]))
      const values = fold ? foldedWeights(model, fold) : layer.weights.map((v) => sliceTensor(original.get(weightKind(v))!.read(), [], `${layer.name}/${weightKind(v)}`))
      try {
        layer.setWeights(values)
      } finally {
        tf.dispose(values)
      }
    }
  } catch (error) {
    folded.dispose()
    throw error
  }
  return { model: folded, folded: folds }
}
