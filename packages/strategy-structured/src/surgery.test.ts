import { createRng, layerUnits, PrunableModel, setupBackend, unitChanges, type ModelFactory } from '@prunekit/core'
import { builtinModels } from '@prunekit/models'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { keptIndices, layoutLength } from './layout.js'
import { structuredOptions } from './options.js'
import { groupSizes, type UnitPlan } from './plan.js'
import { planUnits } from './strategies.js'
import { removeUnits } from './surgery.js'
import { zeroUnits } from './unit-masks.js'

const L = tfl.layers
type T = tfl.SymbolicTensor
const call = (layer: tfl.layers.Layer, x: T | T[]): T => layer.apply(x) as T

/** Every case of the issue, as a small model whose output layer is `output`. */
const cases: Array<[string, number[], () => tfl.LayersModel]> = [
  [
    'Dense -> Dense (with Dropout, and a BatchNorm on Dense units)',
    [10],
    () =>
      tfl.sequential({
        layers: [
          L.dense({ name: 'dense_1', inputShape: [10], units: 12, activation: 'relu' }),
          L.dropout({ name: 'drop', rate: 0.5 }),
          L.dense({ name: 'dense_2', units: 8 }),
          L.batchNormalization({ name: 'bn' }),
          L.activation({ name: 'act', activation: 'tanh' }),
          L.dense({ name: 'output', units: 3 }),
        ],
      }),
  ],
  [
    'Conv2D -> Conv2D',
    [7, 7, 2],
    () =>
      tfl.sequential({
        layers: [
          L.conv2d({ name: 'conv_1', inputShape: [7, 7, 2], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
          L.conv2d({ name: 'conv_2', filters: 5, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu' }),
          L.flatten({ name: 'flatten' }),
          L.dense({ name: 'output', units: 3 }),
        ],
      }),
  ],
  [
    'Conv2D -> BatchNormalization -> activation',
    [6, 6, 3],
    () =>
      tfl.sequential({
        layers: [
          L.conv2d({ name: 'conv_1', inputShape: [6, 6, 3], filters: 8, kernelSize: 3, padding: 'same', useBias: false }),
          L.batchNormalization({ name: 'bn_1' }),
          L.activation({ name: 'relu_1', activation: 'relu' }),
          L.conv2d({ name: 'conv_2', filters: 6, kernelSize: 3, padding: 'same' }),
          L.batchNormalization({ name: 'bn_2', center: false }),
          L.leakyReLU({ name: 'leaky', alpha: 0.1 }),
          L.globalAveragePooling2d({ name: 'gap' }),
          L.dense({ name: 'output', units: 4 }),
        ],
      }),
  ],
  [
    'Conv2D -> pooling -> Flatten -> Dense (channels-last flatten order)',
    [8, 8, 1],
    () =>
      tfl.sequential({
        layers: [
          L.conv2d({ name: 'conv_1', inputShape: [8, 8, 1], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
          L.maxPooling2d({ name: 'pool', poolSize: 2 }),
          L.flatten({ name: 'flatten' }),
          L.dense({ name: 'dense_1', units: 7, activation: 'relu' }),
          L.dense({ name: 'output', units: 3 }),
        ],
      }),
  ],
  [
    'DepthwiseConv2D pass-through (depth multiplier 2)',
    [6, 6, 2],
    () =>
      tfl.sequential({
        layers: [
          L.conv2d({ name: 'conv_1', inputShape: [6, 6, 2], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
          L.depthwiseConv2d({ name: 'depthwise', kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'relu' }),
          L.conv2d({ name: 'conv_2', filters: 4, kernelSize: 1, activation: 'relu' }),
          L.flatten({ name: 'flatten' }),
          L.dense({ name: 'output', units: 3 }),
        ],
      }),
  ],
  [
    'Dropout, Activation and pooling pass-through',
    [8, 8, 2],
    () =>
      tfl.sequential({
        layers: [
          L.conv2d({ name: 'conv_1', inputShape: [8, 8, 2], filters: 8, kernelSize: 3, padding: 'same' }),
          L.dropout({ name: 'drop', rate: 0.3 }),
          L.activation({ name: 'elu', activation: 'elu' }),
          L.averagePooling2d({ name: 'avg', poolSize: 2, padding: 'same' }),
          L.zeroPadding2d({ name: 'pad', padding: 1 }),
          L.conv2d({ name: 'conv_2', filters: 6, kernelSize: 3, activation: 'relu6' }),
          L.maxPooling2d({ name: 'max', poolSize: 2 }),
          L.globalMaxPooling2d({ name: 'gmp' }),
          L.dense({ name: 'output', units: 3 }),
        ],
      }),
  ],
  [
    'residual Add: channels coupled across blocks prune together',
    [6, 6, 2],
    () => {
      const input = tfl.input({ name: 'input', shape: [6, 6, 2] })
      const stem = call(L.activation({ name: 'stem_relu', activation: 'relu' }), call(L.batchNormalization({ name: 'stem_bn' }), call(L.conv2d({ name: 'stem', filters: 8, kernelSize: 3, padding: 'same', useBias: false }), input)))
      const a1 = call(L.activation({ name: 'a_relu', activation: 'relu' }), call(L.conv2d({ name: 'a_conv_1', filters: 6, kernelSize: 3, padding: 'same' }), stem))
      const a2 = call(L.batchNormalization({ name: 'a_bn' }), call(L.conv2d({ name: 'a_conv_2', filters: 8, kernelSize: 3, padding: 'same' }), a1))
      const add1 = call(L.activation({ name: 'a_out', activation: 'relu' }), call(L.add({ name: 'a_add' }), [a2, stem]))
      const b1 = call(L.conv2d({ name: 'b_conv_1', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }), add1)
      const b2 = call(L.conv2d({ name: 'b_conv_2', filters: 8, kernelSize: 3, padding: 'same' }), b1)
      const add2 = call(L.add({ name: 'b_add' }), [add1, b2])
      const out = call(L.dense({ name: 'output', units: 3 }), call(L.globalAveragePooling2d({ name: 'gap' }), add2))
      return tfl.model({ inputs: input, outputs: out })
    },
  ],
  [
    'Concatenate of two branches, then Conv2D and Dense',
    [5, 5, 2],
    () => {
      const input = tfl.input({ name: 'input', shape: [5, 5, 2] })
      const a = call(L.conv2d({ name: 'conv_a', filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }), input)
      const b = call(L.conv2d({ name: 'conv_b', filters: 4, kernelSize: 1, activation: 'relu' }), input)
      const joined = call(L.concatenate({ name: 'concat' }), [a, input, b])
      const c = call(L.conv2d({ name: 'conv_c', filters: 6, kernelSize: 3, activation: 'relu' }), joined)
      const flat = call(L.flatten({ name: 'flatten' }), c)
      const d = call(L.dense({ name: 'dense_1', units: 6, activation: 'relu' }), flat)
      const e = call(L.concatenate({ name: 'concat_dense' }), [d, flat])
      return tfl.model({ inputs: input, outputs: call(L.dense({ name: 'output', units: 3 }), e) })
    },
  ],
]

function zoo(name: 'cnn-small' | 'resnet-mini' | 'mobilenet-mini' | 'vgg-mini'): tfl.LayersModel {
  const factory = builtinModels[name] as ModelFactory<unknown>
  return factory.build(factory.options.parse({}), { inputShape: [28, 28, 1], numClasses: 10, task: 'multiclass', rng: createRng(1) }) as tfl.LayersModel
}

cases.push(
  ['the zoo\'s cnn-small (conv-bn-relu blocks, Flatten, Dense)', [28, 28, 1], () => zoo('cnn-small')],
  ['the zoo\'s resnet-mini (Add-coupled stages, Flatten into the output)', [28, 28, 1], () => zoo('resnet-mini')],
  ['the zoo\'s mobilenet-mini (expansion, depthwise and projection convs, ReLU6, residual Adds, global pooling)', [28, 28, 1], () => zoo('mobilenet-mini')],
  ['the zoo\'s vgg-mini (conv-bn-relu stages with max-pools, Flatten, Dense)', [28, 28, 1], () => zoo('vgg-mini')],
)

/** Overwrites every weight with seeded random values, BatchNorm statistics included, so nothing is trivially zero or one. */
function randomise(model: tfl.LayersModel, seed: number): void {
  const rng = createRng(seed)
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const kind = w.originalName.split('/').pop()!
      const size = w.shape.reduce<number>((a, d) => a * (d ?? 1), 1)
      const [low, high] = kind === 'moving_variance' ? [0.5, 2] : kind === 'gamma' ? [0.5, 1.5] : [-0.6, 0.6]
      return tf.tensor(Float32Array.from({ length: size }, () => low + (high - low) * rng.next()), w.shape as number[])
    })
    layer.setWeights(values)
    tf.dispose(values)
  }
}

async function copyOf(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const copy = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as unknown as tf.io.ModelJSON['modelTopology'] })
  const weights = model.getWeights()
  copy.setWeights(weights)
  return copy
}

async function exportAndLoad(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  return tfl.loadLayersModel(tf.io.fromMemory(saved!))
}

/** Largest |value| among the removed channels of every layer output that carries them, in the masked original. */
function removedActivations(model: tfl.LayersModel, plan: UnitPlan, x: tf.Tensor): number {
  const sizeOf = groupSizes(plan.dependencies)
  const layers = model.layers.filter((l) => {
    const layout = plan.dependencies.layouts.get(l.name)
    return layout && keptIndices(layout, sizeOf, (g) => plan.kept.get(g))
  })
  const probe = tfl.model({ inputs: model.inputs, outputs: layers.map((l) => l.output as T) })
  const outputs = probe.predict(x) as tf.Tensor | tf.Tensor[]
  let largest = 0
  ;[outputs].flat().forEach((out, i) => {
    const layout = plan.dependencies.layouts.get(layers[i].name)!
    const kept = new Set(keptIndices(layout, sizeOf, (g) => plan.kept.get(g)))
    const length = layoutLength(layout, sizeOf)
    const values = out.dataSync()
    for (let j = 0; j < values.length; j++) if (!kept.has(j % length)) largest = Math.max(largest, Math.abs(values[j]))
  })
  tf.dispose(outputs)
  return largest
}

const options = structuredOptions.parse({ ratio: 0.5 })

describe.each(['cpu', 'wasm'] as const)('model surgery on %s', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend)
  })

  it.each(cases)('%s: the rebuilt model computes what the masked original computes', async (_, inputShape, build) => {
    const tensorsBefore = tf.memory().numTensors
    const original = build()
    randomise(original, 7)
    const model = new PrunableModel(original)
    const plan = await planUnits(model, options, 'l1', { rng: createRng(1) })
    const masked = new PrunableModel(await copyOf(original))
    zeroUnits(masked, plan)
    const rebuilt = await removeUnits(model, plan)
    const producers = original.layers.filter((l) => ['Dense', 'Conv2D'].includes(l.getClassName()) && l.name !== 'output').map((l) => l.name)
    const resized = unitChanges(layerUnits(model), layerUnits(rebuilt)).filter((c) => producers.includes(c.name))
    expect(resized.map((c) => c.name).sort()).toEqual(producers.sort())
    for (const c of resized) expect(c.after).toBe(c.before! - Math.round(c.before! / 2))
    const loaded = await exportAndLoad(rebuilt.model)
    const x = tf.randomNormal([5, ...inputShape], 0, 1, 'float32', 3)
    expect(removedActivations(masked.model, plan, x)).toBe(0)
    const [want, got, fromFile, unmasked] = [masked, rebuilt.model, loaded, model].map((m) => (m instanceof PrunableModel ? m.model : m).predict(x) as tf.Tensor)
    const gap = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0])
    expect(got.shape).toEqual(want.shape)
    expect(gap(got, want)).toBeLessThan(1e-5)
    expect(gap(fromFile, got)).toBe(0)
    expect(gap(unmasked, want)).toBeGreaterThan(1e-3) // the removal changed something, so the match means something
    expect(rebuilt.model.countParams()).toBeLessThan(original.countParams())

    tf.dispose([x, want, got, fromFile, unmasked])
    for (const m of [model, masked, rebuilt]) m.dispose()
    loaded.dispose()
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })
})
