import { PrunableModel, Trainer, createRng, setupBackend, type Dataset, type PruneContext, type PruningStrategy } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import { sequential, layers } from '@tensorflow/tfjs-layers'
import { describe, expect, it } from 'vitest'
import { fisher, snip, taylor } from './gradient-criteria.js'
import { movementStrategy } from './movement.js'
import { wanda } from './wanda.js'

// A linear layer y = xW + b under mean squared error: dL/dW = 2/(n·outputs) · xᵀ(xW + b − y), computed here by hand.
const X = [
  [0.5, -1, 2],
  [1.5, 0.25, -0.5],
  [-1, 2, 1],
  [0.75, -0.5, -1.5],
]
const Y = [
  [1, 0],
  [0, 1],
  [0.5, -1],
  [2, 0.5],
]
const W0 = [
  [0.3, -0.7],
  [1.1, 0.05],
  [-0.4, 0.9],
]
const B0 = [0.1, -0.2]

type Matrix = number[][]
const zeros = (): Matrix => W0.map((row) => row.map(() => 0))
const map2 = (a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix => a.map((row, i) => row.map((v, j) => f(v, b[i][j])))

/** The exact gradients of the mean squared error over `rows`, for weights W and b. */
function gradients(rows: number[], W: Matrix, b: number[]): { W: Matrix; b: number[] } {
  const gW = zeros()
  const gb = [0, 0]
  const scale = 2 / (rows.length * 2)
  for (const n of rows) {
    for (let o = 0; o < 2; o++) {
      const r = X[n].reduce((s, x, j) => s + x * W[j][o], b[o]) - Y[n][o]
      for (let j = 0; j < 3; j++) gW[j][o] += scale * X[n][j] * r
      gb[o] += scale * r
    }
  }
  return { W: gW, b: gb }
}

function tinyModel(): PrunableModel {
  const model = sequential({ layers: [layers.dense({ units: 2, inputShape: [3], name: 'dense' })] })
  const weights = [tf.tensor2d(W0), tf.tensor1d(B0)]
  model.setWeights(weights)
  tf.dispose(weights)
  return new PrunableModel(model)
}

function tinyData(): Dataset {
  const split = { x: tf.tensor2d(X), y: tf.tensor2d(Y), size: X.length }
  return { name: 'tiny', task: 'regression', numClasses: 2, featureShape: [3], train: split, test: split, dispose: () => tf.dispose([split.x, split.y]) }
}

async function rawScores(strategy: PruningStrategy<never>, model: PrunableModel, ctx: PruneContext, options: Record<string, unknown>): Promise<number[][]> {
  const kernel = model.weights().filter((ref) => ref.kind === 'kernel')
  const [scores] = await strategy.scoreWeights!(model, kernel, ctx, strategy.options.parse({ sparsity: 0.5, ...options }) as never)
  return W0.map((row, j) => row.map((_, o) => scores[j * 2 + o]))
}

const meanGradient = (batches: number[][]): Matrix => batches.map((rows) => gradients(rows, W0, B0).W).reduce((a, g) => map2(a, g, (x, y) => x + y / batches.length), zeros())

describe.each(['cpu', 'wasm'] as const)('the importance formulas on the %s backend, against a hand computation', (backend) => {
  const expectClose = (actual: number[][], expected: Matrix) => actual.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i], 5))

  it.each([
    ['taylor: |w · mean g| over 2 batches of 2', taylor, { batches: 2, batchSize: 2 }, () => map2(W0, meanGradient([[0, 1], [2, 3]]), (w, g) => Math.abs(w * g))],
    ['snip: |w · g| over one batch of 4', snip, { batches: 1, batchSize: 4 }, () => map2(W0, meanGradient([[0, 1, 2, 3]]), (w, g) => Math.abs(w * g))],
    [
      'fisher: w² · mean of per-sample g²',
      fisher,
      { samples: 3 },
      () => map2(W0, [0, 1, 2].map((n) => gradients([n], W0, B0).W).reduce((a, g) => map2(a, g, (x, y) => x + (y * y) / 3), zeros()), (w, g2) => w * w * g2),
    ],
    ['wanda: |w| · ‖x_j‖₂ over the samples', wanda, { samples: 4 }, () => W0.map((row, j) => row.map((w) => Math.abs(w) * Math.hypot(...X.map((x) => x[j]))))],
  ] as const)('%s', async (_name, strategy, options, expected) => {
    await setupBackend(backend)
    const model = tinyModel()
    const data = tinyData()
    const before = tf.memory().numTensors
    expectClose(await rawScores(strategy as PruningStrategy<never>, model, { rng: createRng(1), data }, options), expected())
    expect(tf.memory().numTensors).toBe(before)
    data.dispose()
    model.dispose()
  })

  it('movement: -Σ w·g over every SGD step of a fit', async () => {
    await setupBackend(backend)
    const model = tinyModel()
    const data = tinyData()
    const movement = movementStrategy()
    const before = tf.memory().numTensors
    const watch = movement.watch!()
    const lr = 0.1
    await new Trainer({ optimizer: 'sgd', learningRate: lr, batchSize: 2, shuffle: false, epochs: 2 }).fit(model, data.train, {
      task: 'regression',
      rng: createRng(1),
      onGradients: (g, m) => watch.step(g, m),
    })
    let [W, b, S] = [W0.map((r) => [...r]), [...B0], zeros()]
    for (let step = 0; step < 4; step++) {
      const g = gradients(step % 2 ? [2, 3] : [0, 1], W, b)
      S = map2(S, map2(W, g.W, (w, gw) => -w * gw), (s, m) => s + m)
      W = map2(W, g.W, (w, gw) => w - lr * gw)
      b = b.map((v, o) => v - lr * g.b[o])
    }
    expectClose(await rawScores(movement as PruningStrategy<never>, model, { rng: createRng(1), data }, {}), S)
    watch.close()
    expect(tf.memory().numTensors).toBe(before)
    data.dispose()
    model.dispose()
  })
})

describe('selection with importance scores', () => {
  it('wanda compares within each output: every output column loses the same number of weights', async () => {
    await setupBackend('cpu')
    const model = tinyModel()
    const data = tinyData()
    await wanda.prune(model, { options: wanda.options.parse({ sparsity: 1 / 3, scope: 'layer' }) }, { rng: createRng(1), data })
    const kept = (await model.masks.get('dense/kernel')!.array()) as number[][]
    expect([0, 1].map((o) => kept.filter((row) => row[o] === 0).length)).toEqual([1, 1])
    data.dispose()
    model.dispose()
  })

  it.each([taylor, snip, wanda, fisher])('$name refuses to run without data, saying how to give it', async (strategy) => {
    const model = tinyModel()
    await expect(strategy.prune(model, { options: strategy.options.parse({ sparsity: 0.5 }) as never }, { rng: createRng(1) })).rejects.toThrow(/needs data: run it in a pipeline/)
    model.dispose()
  })

  it('movement refuses to prune outside a fit, naming the finetune prune it needs', async () => {
    const model = tinyModel()
    const movement = movementStrategy()
    const data = tinyData()
    await expect(movement.prune(model, { options: movement.options.parse({ sparsity: 0.5 }) }, { rng: createRng(1), data })).rejects.toThrow(/finetune: \{ prune: \{ strategy: movement/)
    data.dispose()
    model.dispose()
  })
})
