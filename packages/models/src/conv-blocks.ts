import type { Rng } from '@prunekit/core'
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { seededLayer, type LayerMaker } from './layers.js'

// A short run (a few hundred steps) needs BatchNorm's moving statistics to settle quickly: Keras's 0.99 lags.
const batchNormMomentum = 0.9

/** The option listing the filters of each conv stage of a builder (16, 32 by default). */
export function stageFiltersOption(description: string) {
  return z.array(z.number().int().positive()).min(1).default([16, 32]).describe(description)
}

export interface ConvBnSpec {
  name: string
  filters: number
  kernelSize?: number
  strides?: number
}

/** A 3x3 (by default) same-padded Conv2D without bias (the BatchNorm's beta replaces it), He-initialised. */
export function convNoBias(spec: ConvBnSpec, seed: number, first: { inputShape?: number[] } = {}): tfl.layers.Layer {
  return tfl.layers.conv2d({
    ...first,
    name: spec.name,
    filters: spec.filters,
    kernelSize: spec.kernelSize ?? 3,
    strides: spec.strides ?? 1,
    padding: 'same',
    useBias: false,
    kernelInitializer: tfl.initializers.heNormal({ seed }),
  })
}

export function batchNorm(name: string): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ name, momentum: batchNormMomentum })
}

export function relu(name: string): tfl.layers.Layer {
  return tfl.layers.activation({ name, activation: 'relu' })
}

/** conv_i, bn_i, relu_i: one conv-bn-relu block of a sequential model. */
export function convBnRelu(index: number, filters: number, strides: number, rng: Rng): LayerMaker[] {
  const conv = { name: `conv_${index}`, filters, strides }
  return [
    seededLayer(rng, (seed, first) => convNoBias(conv, seed, first)),
    () => batchNorm(`bn_${index}`),
    () => relu(`relu_${index}`),
  ]
}

/** Parameters of a k x k conv without bias and its BatchNorm (gamma, beta, moving mean and variance). */
export function convBnParams(inputs: number, filters: number, kernel = 3): number {
  return kernel * kernel * inputs * filters + 4 * filters
}
