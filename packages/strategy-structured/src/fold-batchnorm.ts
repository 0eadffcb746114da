import { modelFromTopology, sliceTensor, weightKind } from '@prunekit/core/internal'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { planFolds, type BatchNormFold, type FoldPlan } from './fold-plan.js'
import { describeModel } from './graph.js'
import { layerWeights } from './weights.js'

interface JsonLayer {
  name?: string
  class_name: string
  config: Record<string, unknown>
  inbound_nodes?: unknown[]
}

interface JsonTopology {
  layers: JsonLayer[]
  output_layers?: unknown
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

/** Drops layer `name` from a topology: whatever read it (and the model outputs) reads `into` instead. */
function removeLayer(config: JsonTopology, name: string, into: string): void {
  config.layers = config.layers.filter((entry) => entry.config.name !== name)
  for (const entry of config.layers) if (entry.inbound_nodes) entry.inbound_nodes = rewire(entry.inbound_nodes, name, into) as unknown[]
  if (config.output_layers) config.output_layers = rewire(config.output_layers, name, into)
}

/**
 * For inference: a new model with every foldable BatchNormalization folded into the Dense or
 * convolution before it and, unless `activations` is false, every Activation or ReLU layer after such a
 * layer moved into it. It computes what the original computes at inference, with one layer (and one
 * pass over the activations) fewer per fold. Train the original; deploy this.
 */
export async function foldBatchNorm(model: tfl.LayersModel, options: { activations?: boolean } = {}): Promise<FoldPlan & { model: tfl.LayersModel }> {
  const plan = planFolds(describeModel(model), options)
  const topology = model.toJSON(null, false) as unknown as { config: JsonTopology }
  const config = topology.config
  for (const fold of plan.folded) {
    removeLayer(config, fold.norm, fold.producer)
    config.layers.find((entry) => entry.config.name === fold.producer)!.config.use_bias = true
  }
  for (const fusion of plan.fused) {
    removeLayer(config, fusion.activation, fusion.producer)
    config.layers.find((entry) => entry.config.name === fusion.producer)!.config.activation = fusion.fn
  }
  const byProducer = new Map(plan.folded.map((f) => [f.producer, f]))
  const folded = await modelFromTopology(topology, (layer) => {
    const fold = byProducer.get(layer.name)
    if (fold) return foldedWeights(model, fold)
    const original = layerWeights(model, layer.name)
    return layer.weights.map((v) => sliceTensor(original.get(weightKind(v))!.read(), [], `${layer.name}/${weightKind(v)}`))
  })
  return { model: folded, ...plan }
}
