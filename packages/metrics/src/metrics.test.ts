import {
  PrunableModel,
  createRng,
  evaluateModel,
  magnitude,
  setupBackend,
  type Dataset,
  type Evaluation,
  type MetricValue,
  type Snapshot,
  type SnapshotContext,
} from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { symmetricEdges } from './binning.js'
import { builtinMetrics } from './builtins.js'
import { createHistogramsMetric } from './histograms.js'
import { readHistograms, readLayers, readNumber, readParams, readSize } from './readers.js'

const layerNames = ['hidden1', 'hidden2', 'out']
const kernelShapes = [
  [8, 6],
  [6, 4],
  [4, 3],
]
const kernelSize = 8 * 6 + 6 * 4 + 4 * 3
const biasSize = 6 + 4 + 3
const centre = 20 // of the default 41 bins

function buildModel(seed: number, kernelInitializer?: 'zeros'): PrunableModel {
  const init = (i: number) => kernelInitializer ?? tfl.initializers.glorotUniform({ seed: seed + i })
  return new PrunableModel(
    tfl.sequential({
      layers: [
        tfl.layers.dense({ name: layerNames[0], units: 6, inputShape: [8], activation: 'relu', kernelInitializer: init(0) }),
        tfl.layers.dense({ name: layerNames[1], units: 4, activation: 'relu', kernelInitializer: init(1) }),
        tfl.layers.dense({ name: layerNames[2], units: 3, activation: 'softmax', kernelInitializer: init(2) }),
      ],
    }),
  )
}

function tinyData(): Dataset {
  const rng = createRng(7)
  const n = 12
  const x = tf.tensor2d(Float32Array.from({ length: n * 8 }, () => rng.next() * 2 - 1), [n, 8])
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3), 'float32'))
  const split = { x, y, size: n }
  return { name: 'tiny', task: 'multiclass', numClasses: 3, featureShape: [8], train: split, test: split, dispose: () => tf.dispose([x, y]) }
}

function contextFor(label: string, model: PrunableModel, data: Dataset, history: Snapshot[]): SnapshotContext {
  let evaluation: Promise<Evaluation> | undefined
  return { label, model, data, history, evaluation: () => (evaluation ??= evaluateModel(model, data.test, data.task)) }
}

async function computeAll(ctx: SnapshotContext, names?: string[]): Promise<Record<string, MetricValue>> {
  const values: Record<string, MetricValue> = {}
  for (const metric of Object.values(builtinMetrics())) {
    if (!names || names.includes(metric.name)) values[metric.name] = await metric.compute(ctx)
  }
  return values
}

/** Kernel and bias values per layer, read through tfjs-layers rather than through the metrics. */
function referenceWeights(model: PrunableModel): Array<{ kernel: Float32Array; bias: Float32Array }> {
  return layerNames.map((name) => {
    const [kernel, bias] = model.model.getLayer(name).getWeights()
    return { kernel: kernel.dataSync() as Float32Array, bias: bias.dataSync() as Float32Array }
  })
}

const zerosIn = (values: Float32Array) => values.filter((v) => v === 0).length
const maxAbsOf = (values: Float32Array) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0)

interface Stage {
  label: string
  snapshot: Snapshot
  weights: Array<{ kernel: Float32Array; bias: Float32Array }>
}

describe('metrics of a dense model before pruning, after pruning and after the weights change', () => {
  let data: Dataset
  let model: PrunableModel
  const history: Snapshot[] = []
  const stages: Stage[] = []
  let prunedPerLayer: number[]

  async function record(label: string): Promise<void> {
    const snapshot: Snapshot = { label, step: history.length, metrics: await computeAll(contextFor(label, model, data, history)) }
    history.push(snapshot)
    stages.push({ label, snapshot, weights: referenceWeights(model) })
  }

  beforeAll(async () => {
    await setupBackend('cpu')
    data = tinyData()
    model = buildModel(11)
    await record('baseline')
    await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.5 }) }, { rng: createRng(1) })
    const pruned = model.masks.prunedCounts()
    prunedPerLayer = layerNames.map((name) => pruned.get(`${name}/kernel`) ?? 0)
    await record('pruned')
    // Tripled weights fall outside the baseline edges and must be clamped into the end bins.
    for (const ref of model.weights()) {
      const tripled = tf.tidy(() => tf.mul(ref.variable.read(), 3))
      ref.variable.write(tripled)
      tripled.dispose()
    }
    await record('tripled')
  })

  afterAll(() => {
    model?.dispose()
    data?.dispose()
  })

  const byLabel = (label: string): Stage => stages.find((s) => s.label === label)!

  it('starts from dense kernels and all-zero biases (so counting biases would change sparsity)', () => {
    const { weights } = byLabel('baseline')
    expect(weights.every((w) => zerosIn(w.kernel) === 0)).toBe(true)
    expect(weights.every((w) => zerosIn(w.bias) === w.bias.length)).toBe(true)
  })

  it('reports loss and accuracy from the evaluation of the test split', async () => {
    const evaluation = await evaluateModel(model, data.test, data.task)
    const tripled = byLabel('tripled').snapshot
    expect(readNumber(tripled, 'loss')).toBeCloseTo(evaluation.loss, 6)
    expect(readNumber(tripled, 'accuracy')).toBeCloseTo(evaluation.accuracy, 6)
  })

  it.each([
    ['baseline', 0],
    ['pruned', 0.5],
    ['tripled', 0.5],
  ])('reports the %s kernel sparsity exactly (%d), ignoring the zero biases', (label, expected) => {
    const stage = byLabel(label)
    const zeros = stage.weights.reduce((n, w) => n + zerosIn(w.kernel), 0)
    expect(zeros / kernelSize).toBe(expected)
    expect(readNumber(stage.snapshot, 'sparsity')).toBe(expected)
  })

  it('counts exactly the weights magnitude pruning masked', () => {
    expect(prunedPerLayer.reduce((a, b) => a + b, 0)).toBe(kernelSize / 2)
    expect(readLayers(byLabel('pruned').snapshot)!.map((l) => l.params - l.nonzero)).toEqual(prunedPerLayer)
  })

  it.each(['baseline', 'pruned', 'tripled'])('counts params that add up to model.countParams() (%s)', (label) => {
    const stage = byLabel(label)
    const nonzeroKernels = stage.weights.reduce((n, w) => n + w.kernel.length - zerosIn(w.kernel), 0)
    const nonzeroBiases = stage.weights.reduce((n, w) => n + w.bias.length - zerosIn(w.bias), 0)
    expect(readParams(stage.snapshot)).toEqual({
      total: model.model.countParams(),
      nonzero: nonzeroKernels + nonzeroBiases,
      prunable: kernelSize,
      prunableNonzero: nonzeroKernels,
      built: model.model.countParams(), // no structured pruning: as built
      prunableBuilt: kernelSize,
    })
    expect(model.model.countParams()).toBe(kernelSize + biasSize)
  })

  it.each(['baseline', 'pruned', 'tripled'])('lists one row per layer with its kernel statistics (%s)', (label) => {
    const stage = byLabel(label)
    expect(readLayers(stage.snapshot)).toEqual(
      stage.weights.map((w, i) => ({
        name: layerNames[i],
        type: 'Dense',
        shape: kernelShapes[i],
        params: w.kernel.length,
        nonzero: w.kernel.length - zerosIn(w.kernel),
        sparsity: zerosIn(w.kernel) / w.kernel.length,
        biasParams: w.bias.length,
        units: kernelShapes[i][1],
      })),
    )
  })

  it.each(['baseline', 'pruned', 'tripled'])('measures the export files and estimates dense and sparse storage (%s)', (label) => {
    const stage = byLabel(label)
    const params = readParams(stage.snapshot)!
    const { files, ...estimates } = readSize(stage.snapshot)!
    expect(estimates).toEqual({ denseBytes: (kernelSize + biasSize) * 4, nonzeroBytes: params.nonzero * 8 })
    // The exact files (models' own test checks them byte for byte against exports): float32 is the weights plus model.json.
    expect(files!.float32 - (kernelSize + biasSize) * 4).toBeGreaterThan(0)
    expect(files!.float32 - (kernelSize + biasSize) * 4).toBeLessThan(4096)
    expect(files!['sparse-uint8']).toBeLessThanOrEqual(files!.sparse) // the tiny model's weights are below uint8's minSize
    expect(files!.uint8).toBeLessThanOrEqual(files!.float32)
  })

  it.each(['baseline', 'pruned', 'tripled'])('bins every kernel value of every layer (%s)', (label) => {
    const histograms = readHistograms(byLabel(label).snapshot)!
    expect(histograms.bins).toBe(41)
    expect(histograms.layers.map((l) => l.name)).toEqual(layerNames)
    histograms.layers.forEach((layer, i) => {
      expect(layer.edges).toHaveLength(42)
      expect(layer.counts.reduce((a, b) => a + b, 0)).toBe(kernelShapes[i][0] * kernelShapes[i][1])
    })
  })

  it('sets symmetric edges at the baseline from each kernel’s largest |w|', () => {
    const { snapshot, weights } = byLabel('baseline')
    readHistograms(snapshot)!.layers.forEach((layer, i) => {
      expect(layer.edges).toEqual(symmetricEdges(maxAbsOf(weights[i].kernel), 41))
      expect(layer.edges[0]).toBe(-maxAbsOf(weights[i].kernel))
    })
  })

  it('keeps the baseline edges for every later snapshot', () => {
    const [baseline, ...later] = stages.map((s) => readHistograms(s.snapshot)!.layers.map((l) => l.edges))
    for (const edges of later) expect(edges).toEqual(baseline)
  })

  it('puts at least the pruned weights of each layer in the centre (zero) bin', () => {
    const histograms = readHistograms(byLabel('pruned').snapshot)!
    histograms.layers.forEach((layer, i) => {
      expect(prunedPerLayer[i]).toBeGreaterThan(0)
      expect(layer.counts[centre]).toBeGreaterThanOrEqual(prunedPerLayer[i])
    })
  })

  it('clamps values beyond the fixed edges into the end bins', () => {
    const { snapshot, weights } = byLabel('tripled')
    readHistograms(snapshot)!.layers.forEach((layer, i) => {
      const [low, high] = [layer.edges[0], layer.edges[41]]
      const below = weights[i].kernel.filter((v) => v < low).length
      const above = weights[i].kernel.filter((v) => v > high).length
      expect(below + above).toBeGreaterThan(0)
      expect(layer.counts[0]).toBeGreaterThanOrEqual(below)
      expect(layer.counts[40]).toBeGreaterThanOrEqual(above)
    })
  })

  it('computes every metric without leaking tensors', async () => {
    const before = tf.memory().numTensors
    await computeAll(contextFor('again', model, data, history))
    expect(tf.memory().numTensors).toBe(before)
  })

  it('reads each weight once per snapshot, however many metrics use it (and once more to encode the size metric\'s files)', async () => {
    const spies = model.weights().map((ref) => vi.spyOn(ref.variable, 'read'))
    try {
      const ctx = contextFor('once', model, data, history)
      await computeAll(ctx, ['sparsity', 'params', 'layers', 'histograms'])
      expect(spies.map((s) => s.mock.calls.length)).toEqual(spies.map(() => 1))
      await computeAll(contextFor('next', model, data, history), ['sparsity', 'size'])
      expect(spies.map((s) => s.mock.calls.length)).toEqual(spies.map(() => 3))
    } finally {
      spies.forEach((s) => s.mockRestore())
    }
  })
})

describe('histograms metric', () => {
  let data: Dataset
  beforeAll(async () => {
    await setupBackend('cpu')
    data = tinyData()
  })
  afterAll(() => data?.dispose())

  it('uses edges [-1, 1] for an all-zero kernel and counts it in the centre bin', async () => {
    const model = buildModel(0, 'zeros')
    try {
      const histograms = readHistograms({ metrics: { histograms: await createHistogramsMetric().compute(contextFor('zeros', model, data, [])) } })!
      histograms.layers.forEach((layer, i) => {
        expect(layer.edges).toEqual(symmetricEdges(1, 41))
        expect(layer.counts[centre]).toBe(kernelShapes[i][0] * kernelShapes[i][1])
      })
    } finally {
      model.dispose()
    }
  })

  it.each([7, 1, 101])('takes an odd bin count (%d)', async (bins) => {
    const model = buildModel(3)
    try {
      const value = await createHistogramsMetric({ bins }).compute(contextFor('bins', model, data, []))
      const histograms = readHistograms({ metrics: { histograms: value } })!
      expect(histograms.bins).toBe(bins)
      for (const layer of histograms.layers) expect(layer.counts).toHaveLength(bins)
    } finally {
      model.dispose()
    }
  })

  it.each([0, 2, 40, 2.5])('rejects %d bins, which leave zero without a centre bin', (bins) => {
    expect(() => createHistogramsMetric({ bins })).toThrow(/odd/)
  })

  it('computes fresh edges when an earlier histogram is malformed', async () => {
    const model = buildModel(5)
    try {
      const broken: Snapshot = { label: 'old', step: 0, metrics: { histograms: { bins: 1, layers: [{ name: 'hidden1', edges: [1, 0], counts: [3] }] } } }
      const value = await createHistogramsMetric().compute(contextFor('new', model, data, [broken]))
      const hidden1 = readHistograms({ metrics: { histograms: value } })!.layers[0]
      expect(hidden1.edges).toHaveLength(42)
      expect(hidden1.edges[0]).toBe(-hidden1.edges[41])
    } finally {
      model.dispose()
    }
  })
})
