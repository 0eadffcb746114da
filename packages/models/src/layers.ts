import type { ModelContext, Rng } from '@prunekit/core'
import * as tfl from '@tensorflow/tfjs-layers'
import type { Activation } from './activation.js'

/** Args only the first layer of a sequential model receives. */
export interface FirstLayerArgs {
  inputShape?: number[]
}

/** Makes one layer; the model builder passes the input shape to the first one. */
export type LayerMaker = (first: FirstLayerArgs) => tfl.layers.Layer

export interface DenseSpec {
  name: string
  units: number
  activation: Activation | 'softmax'
  useBias?: boolean
}

/** A maker whose initializer seed is drawn now, so that weights depend only on the rng and the layer order. */
export function seededLayer(rng: Rng, make: (seed: number, first: FirstLayerArgs) => tfl.layers.Layer): LayerMaker {
  const seed = rng.seed()
  return (first) => make(seed, first)
}

export function dense(spec: DenseSpec, rng: Rng): LayerMaker {
  return seededLayer(rng, (seed, first) =>
    tfl.layers.dense({ ...first, ...spec, useBias: spec.useBias ?? true, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
  )
}

export interface ConvSpec {
  name: string
  filters: number
  kernelSize: number
  padding: 'same' | 'valid'
}

export function conv2d(spec: ConvSpec, rng: Rng): LayerMaker {
  return seededLayer(rng, (seed, first) => tfl.layers.conv2d({ ...first, ...spec, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }))
}

export function maxPool(name: string): LayerMaker {
  return (first) => tfl.layers.maxPooling2d({ ...first, name, poolSize: 2, strides: 2 })
}

export function flatten(): LayerMaker {
  return (first) => tfl.layers.flatten({ ...first, name: 'flatten' })
}

/** A Flatten layer for inputs of rank > 1, so Dense layers see one vector per sample. */
export function flattenIfNeeded(inputShape: number[]): LayerMaker[] {
  return inputShape.length > 1 ? [flatten()] : []
}

/** The `output` layer: softmax over classes, one sigmoid unit for binary, linear for regression. */
export function outputLayer(ctx: ModelContext, useBias = true): LayerMaker {
  const name = 'output'
  if (ctx.task === 'binary') return dense({ name, units: 1, activation: 'sigmoid', useBias }, ctx.rng)
  if (ctx.task === 'regression') return dense({ name, units: ctx.numClasses, activation: 'linear', useBias }, ctx.rng)
  return dense({ name, units: ctx.numClasses, activation: 'softmax', useBias }, ctx.rng)
}

/** A named tfl.sequential model whose first layer receives the input shape. */
export function sequentialModel(name: string, inputShape: number[], makers: LayerMaker[]): tfl.LayersModel {
  const layers = makers.map((make, i) => make(i === 0 ? { inputShape: [...inputShape] } : {}))
  return tfl.sequential({ name, layers })
}

/**
 * A perceptron: inputs of rank > 1 flattened, hidden Dense layers dense_1..dense_n (each spec's units
 * and activation), then the output layer. The builders of mlp, seed-mlp and lenet-300-100.
 */
/** Parameters of Dense layers of the given widths on `inputs` features, without building them. */
export function denseParams(inputs: number, widths: number[], useBias = true): number {
  return widths.reduce((sum, units, i) => sum + (i === 0 ? inputs : widths[i - 1]) * units + (useBias ? units : 0), 0)
}

export function denseStack(name: string, ctx: ModelContext, hidden: Array<Omit<DenseSpec, 'name'>>, useBias = true): tfl.LayersModel {
  const layers = hidden.map((spec, i) => dense({ ...spec, name: `dense_${i + 1}` }, ctx.rng))
  return sequentialModel(name, ctx.inputShape, [...flattenIfNeeded(ctx.inputShape), ...layers, outputLayer(ctx, useBias)])
}
