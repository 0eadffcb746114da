import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { expect } from 'vitest'
import { z } from 'zod'
import { createRng, defineDataset, defineModel, definePlugin, defineSchedule, defineStrategy, PrunableModel, type ConfigInput, type Dataset, type FitOptions, type Rng, type Split } from '../src/index.js'

/** A tiny dense net with stable names and seeded weights. */
export function tinyModel(rng: Rng, inputs = 6, hidden = [8, 5], outputs = 3): tfl.LayersModel {
  const layers = hidden.map((units, i) =>
    tfl.layers.dense({ name: `dense_${i + 1}`, units, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.seed() }), ...(i === 0 ? { inputShape: [inputs] } : {}) }),
  )
  layers.push(tfl.layers.dense({ name: 'output', units: outputs, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: rng.seed() }) }))
  return tfl.sequential({ layers })
}

/** Seeded, learnable blobs: class c is centred at +-1 on feature c. */
export function blobs(seed: number, n: number, features = 6, classes = 3): Split {
  const rng = createRng(seed)
  const x = new Float32Array(n * features)
  const y = new Float32Array(n * classes)
  for (let i = 0; i < n; i++) {
    const c = i % classes
    for (let f = 0; f < features; f++) x[i * features + f] = (f === c ? 2 : 0) + (rng.next() - 0.5)
    y[i * classes + c] = 1
  }
  return { x: tf.tensor2d(x, [n, features]), y: tf.tensor2d(y, [n, classes]), size: n }
}

/** A plugin with a tiny dataset and model, so core's pipeline runs without the other packages. */
export const tinyPlugin = definePlugin({
  name: 'tiny',
  register(registry) {
    registry.datasets.add(
      defineDataset({
        name: 'blobs',
        description: 'three seeded Gaussian blobs',
        options: z.object({ train: z.number().int().default(240), test: z.number().int().default(90), validation: z.number().int().default(0) }).strict(),
        async load(options, ctx): Promise<Dataset> {
          const train = blobs(ctx.seed, options.train)
          const test = blobs(ctx.seed + 1, options.test)
          const validation = options.validation > 0 ? blobs(ctx.seed + 2, options.validation) : undefined
          const splits = [train, test, ...(validation ? [validation] : [])]
          return { name: 'blobs', task: 'multiclass', numClasses: 3, featureShape: [6], train, test, ...(validation ? { validation } : {}), dispose: () => tf.dispose(splits.flatMap((s) => [s.x, s.y])) }
        },
      }),
    )
    registry.models.add(
      defineModel({ name: 'tiny', description: 'dense 8-5-3', options: z.object({}).strict(), build: (_o, ctx) => tinyModel(ctx.rng, ctx.inputShape[0]) }),
    )
    registry.metrics.add({
      name: 'loss',
      description: 'test loss',
      compute: async (ctx) => (await ctx.evaluation()).loss,
    })
    registry.metrics.add({
      name: 'accuracy',
      description: 'test accuracy',
      compute: async (ctx) => (await ctx.evaluation()).accuracy,
    })
    registry.metrics.add({
      name: 'zeros',
      description: 'number of exact zeros in kernels',
      compute: async (ctx) => {
        let zeros = 0
        for (const w of ctx.model.weights().filter((r) => r.shape.length >= 2)) zeros += (await w.variable.read().data()).filter((v) => v === 0).length
        return zeros
      },
    })
  },
})

export async function kernelValues(model: tfl.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.layers.map((l) => l.getWeights()[0]).filter(Boolean).map(async (w) => new Float32Array(await w.data())))
}

export const kept = Int32Array.from([0, 2, 5])

/** Dense 4 -> units -> 2 with seeded weights (for optimizer-state tests). */
export function mlp(units: number, seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ name: 'dense_1', inputShape: [4], units, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }), biasInitializer: 'ones' }),
      tfl.layers.dense({ name: 'dense_2', units: 2, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  })
}

/** The big model's units 0, 2 and 5 of dense_1, as structured surgery would leave them (weights aside). */
export const smaller = () =>
  new PrunableModel(mlp(3, 9), {
    lineage: new Map([
      ['dense_1/kernel', [{ axis: 1, indices: kept, length: 6 }]],
      ['dense_1/bias', [{ axis: 0, indices: kept, length: 6 }]],
      ['dense_2/kernel', [{ axis: 0, indices: kept, length: 6 }]],
    ]),
  })

export function train(model: PrunableModel, optimizer: tf.Optimizer, steps: number): void {
  const variables = model.weights().map((r) => r.variable.read() as tf.Variable)
  const x = tf.randomNormal([8, 4], 0, 1, 'float32', 1)
  const y = tf.randomNormal([8, 2], 0, 1, 'float32', 2)
  for (let i = 0; i < steps; i++) optimizer.minimize(() => tf.losses.meanSquaredError(y, model.forward(x, true)) as tf.Scalar, false, variables)
  tf.dispose([x, y])
}

export type Slots = Array<{ variable: tf.Variable }>
export const slots = (optimizer: tf.Optimizer, field: string) => (optimizer as unknown as Record<string, Slots>)[field]
export const values = (t: tf.Tensor) => Array.from(t.dataSync())
export const gather = (t: tf.Tensor, axis: number) => tf.tidy(() => values(tf.gather(t, tf.tensor1d(kept, 'int32'), axis)))

/** Sparsity rises by `by` every `every` steps, up to `max`: a test schedule. */
export const stairs = defineSchedule({
  name: 'stairs',
  description: 'test schedule',
  options: z.object({ every: z.number().int().positive(), by: z.number(), max: z.number() }).strict(),
  create: ({ every, by, max }) => (step) => Math.min(max, Math.floor(step / every) * by),
})

/** A stand-in for a structured strategy: keeps round((1 - sparsity) * 8) units of dense_1 in a new, smaller model. */
export const shrink = defineStrategy({
  name: 'shrink',
  description: 'test structured strategy',
  options: z.object({ sparsity: z.number().min(0).max(1) }).strict(),
  async prune(model, { options }) {
    const units = Math.max(1, Math.round((1 - options.sparsity) * 8))
    const weights = model.model.getWeights()
    if (units >= weights[0].shape[1]!) return model
    const next = tinyModel(createRng(0), 6, [units, 5])
    const sliced = tf.tidy(() => [tf.slice(weights[0], [0, 0], [6, units]), tf.slice(weights[1], 0, units), tf.slice(weights[2], [0, 0], [units, 5]), ...weights.slice(3).map((w) => tf.clone(w))])
    next.setWeights(sliced)
    tf.dispose(sliced)
    return new PrunableModel(next)
  },
})

/** A run of the tiny model on blobs, on the cpu backend, with no reporters: the given pipeline. */
export const tinyConfig = (pipeline: ConfigInput['pipeline'], seed = 7): ConfigInput => ({
  seed,
  backend: 'cpu',
  model: { zoo: 'tiny' },
  data: { dataset: 'blobs' },
  train: { learningRate: 0.01, batchSize: 32 },
  pipeline,
  reporters: [],
})

/** Conv, BatchNorm, ReLU 6, depthwise and a residual Add: the engine's layers, seeded. */
export function convModel(): PrunableModel {
  const seeded = (seed: number) => tfl.initializers.heNormal({ seed })
  const input = tfl.input({ shape: [4, 4, 1] })
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor
  const stem = apply(tfl.layers.reLU({ maxValue: 6 }), apply(tfl.layers.batchNormalization({ momentum: 0.9 }), apply(tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: seeded(1) }), input)))
  const body = apply(tfl.layers.batchNormalization({ momentum: 0.9 }), apply(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: seeded(2) }), stem))
  const pooled = apply(tfl.layers.globalAveragePooling2d({}), apply(tfl.layers.add(), [stem, body]))
  return new PrunableModel(tfl.model({ inputs: input, outputs: apply(tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(3) }), pooled) }))
}

/** Seeded blobs as 4 x 4 x 1 images (120 rows, 3 classes): data for {@link convModel}. */
export function imageBlobs(): Split {
  const flat = blobs(3, 120, 16, 3)
  const x = tf.reshape(flat.x, [120, 4, 4, 1])
  flat.x.dispose()
  return { x, y: flat.y, size: 120 }
}

/** Fit settings for the engine tests: adam, batch 32, 2 epochs. */
export const fitOptions = (overrides: Partial<FitOptions> = {}): FitOptions => ({ optimizer: 'adam', learningRate: 0.01, batchSize: 32, shuffle: true, epochs: 2, ...overrides })

/** Every weight of the model (moving statistics included), as plain arrays. */
export const weightValues = (model: PrunableModel): number[][] => model.weights('all').map((ref) => Array.from(ref.variable.read().dataSync()))

/** Weights within 1e-3 relative of the expected ones (the engine against the tfjs path). */
export function expectClose(actual: number[][], expected: number[][]): void {
  expected.forEach((weight, w) => weight.forEach((v, i) => expect(Math.abs(actual[w][i] - v)).toBeLessThan(1e-3 * (1 + Math.abs(v)))))
}
