import { createRegistry, defineDataset, defineModel, runPipeline, setupBackend, type Dataset } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { beforeAll, describe, expect, it } from 'vitest'
import { metricsPlugin } from './plugin.js'
import { readHistograms, readLayers, readNumber, readParams } from './readers.js'

const tinyModel = defineModel({
  name: 'tiny-mlp',
  description: 'Dense 8-6-4-3 for tests',
  options: z.object({}),
  build: (_, ctx) =>
    tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 6, inputShape: ctx.inputShape, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: ctx.rng.seed() }) }),
        tfl.layers.dense({ units: 4, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: ctx.rng.seed() }) }),
        tfl.layers.dense({ units: ctx.numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: ctx.rng.seed() }) }),
      ],
    }),
})

const tinyDataset = defineDataset({
  name: 'tiny',
  description: '24 random points in 3 classes, for tests',
  options: z.object({}),
  async load(_, ctx): Promise<Dataset> {
    const n = 24
    const x = tf.tensor2d(Float32Array.from({ length: n * 8 }, () => ctx.rng.next() * 2 - 1), [n, 8])
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % 3), 'int32'), 3), 'float32'))
    const split = { x, y, size: n }
    return { name: 'tiny', task: 'multiclass', numClasses: 3, featureShape: [8], train: split, test: split, dispose: () => tf.dispose([x, y]) }
  },
})

describe('metricsPlugin', () => {
  beforeAll(async () => {
    await setupBackend('cpu')
  })

  it('registers its ten metrics in report order, latency and pattern opt-in', () => {
    const registry = createRegistry({ plugins: [metricsPlugin()] })
    expect(registry.metrics.names()).toEqual(['loss', 'accuracy', 'sparsity', 'params', 'layers', 'histograms', 'size', 'flops', 'latency', 'pattern'])
    expect(registry.metrics.list().filter((entry) => entry.item.optIn).map((entry) => entry.item.name)).toEqual(['latency', 'pattern'])
    expect(registry.metrics.list().every((entry) => entry.source === '@prunekit/metrics')).toBe(true)
  })

  it('measures a real baseline / pruned / finetuned pipeline on one histogram scale', async () => {
    const registry = createRegistry({ plugins: [metricsPlugin()] })
    registry.models.add(tinyModel)
    registry.datasets.add(tinyDataset)
    const tensorsBefore = tf.memory().numTensors
    const result = await runPipeline(
      {
        backend: 'cpu',
        model: { zoo: 'tiny-mlp' },
        data: { dataset: 'tiny' },
        reporters: [],
        pipeline: [
          { train: { epochs: 1 } },
          { evaluate: { label: 'baseline' } },
          { prune: { strategy: 'magnitude', sparsity: 0.5 } },
          { evaluate: { label: 'pruned' } },
          { finetune: { epochs: 1 } },
          { evaluate: { label: 'finetuned' } },
        ],
      },
      { registry, quiet: true },
    )
    expect(tf.memory().numTensors).toBe(tensorsBefore)
    const [baseline, pruned, finetuned] = result.snapshots
    expect(result.snapshots.map((s) => s.label)).toEqual(['baseline', 'pruned', 'finetuned'])
    expect(Object.keys(pruned.metrics)).toEqual(['loss', 'accuracy', 'sparsity', 'params', 'layers', 'histograms', 'size', 'flops'])
    expect([baseline, pruned, finetuned].map((s) => readNumber(s, 'sparsity'))).toEqual([0, 0.5, 0.5])
    expect(readParams(pruned)).toMatchObject({ total: 97, prunable: 84, prunableNonzero: 42 })
    expect(readLayers(finetuned)!.map((l) => l.params - l.nonzero).reduce((a, b) => a + b, 0)).toBe(42)
    for (const s of result.snapshots) expect(readNumber(s, 'loss')).toBeGreaterThan(0)
    const edges = result.snapshots.map((s) => readHistograms(s)!.layers.map((l) => l.edges))
    expect(edges[1]).toEqual(edges[0])
    expect(edges[2]).toEqual(edges[0])
  })
})
