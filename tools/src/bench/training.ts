import { createRegistry, createRng, PrunableModel, setupBackend, Trainer, type Dataset } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { modelsPlugin } from '@prunekit/models'
import * as tf from '@tensorflow/tfjs-core'
import { medianSeconds, round, type Row, type Suite } from './measure.js'

/** Forward multiply-accumulates per sample of the two benchmark models. */
const forwardMacs: Record<string, number> = {
  'lenet-300-100': 784 * 300 + 300 * 100 + 100 * 10,
  // conv_1: 28x28 outputs x 6 filters x 5x5 (same); conv_2: 10x10 x 16 x 5x5x6; dense 400-120-84-10
  'lenet-5': 28 * 28 * 6 * 25 + 10 * 10 * 16 * 25 * 6 + 400 * 120 + 120 * 84 + 84 * 10,
}

/** GFLOP/s of a 1024x1024 matMul on the current backend: the roofline training is measured against. */
export async function matMulRoofline(): Promise<number> {
  const a = tf.randomUniform([1024, 1024])
  const b = tf.randomUniform([1024, 1024])
  const seconds = await medianSeconds(async () => {
    const c = tf.matMul(a, b)
    await c.data()
    c.dispose()
  }, 7, 2)
  tf.dispose([a, b])
  return (2 * 1024 ** 3) / seconds / 1e9
}

/** The zoo model `name` with its default options, for the data's features and 10 classes (seeded). */
export async function buildZooModel(name: string, data: Dataset): Promise<PrunableModel> {
  const factory = createRegistry({ plugins: [modelsPlugin()] }).models.get(name)
  const built = await factory.build(factory.options.parse({}), { inputShape: data.featureShape, numClasses: 10, task: 'multiclass', rng: createRng(1) })
  return built instanceof PrunableModel ? built : new PrunableModel(built)
}

/** Median samples/s of one training epoch (batch 64, adam) over the first `samples` of the train split. */
export async function throughput(model: string, data: Dataset, samples: number, engine: 'auto' | 'tfjs' = 'auto'): Promise<number> {
  const pm = await buildZooModel(model, data)
  const split = { x: tf.slice(data.train.x, 0, samples), y: tf.slice(data.train.y, 0, samples), size: samples }
  const trainer = new Trainer({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true, epochs: 1, engine })
  const seconds = await medianSeconds(() => trainer.fit(pm, split, { task: 'multiclass', rng: createRng(2) }), 3, 1)
  tf.dispose([split.x, split.y])
  pm.dispose()
  return samples / seconds
}

export const trainingSuite: Suite = {
  name: 'training',
  description: 'Training throughput (samples/s, batch 64, adam) on wasm and cpu, and as a fraction of the wasm matMul roofline',
  async run(log) {
    const rows: Row[] = []
    const registry = createRegistry({ plugins: [datasetsPlugin()] })
    let roofline = 0
    for (const backend of ['wasm', 'cpu'] as const) {
      await setupBackend(backend)
      if (backend === 'wasm') {
        roofline = await matMulRoofline()
        log(`wasm matMul 1024x1024: ${roofline.toFixed(1)} GFLOP/s`)
      }
      for (const model of ['lenet-300-100', 'lenet-5']) {
        const shape = model === 'lenet-5' ? 'image' : 'flat'
        const data = await registry.datasets.get('mnist').load({ train: 8000, test: 10, shape }, { seed: 42, rng: createRng(42) })
        // The cpu backend trains convolutions at a few dozen samples/s: time a slice, not an epoch.
        const samples = backend === 'cpu' && model === 'lenet-5' ? 256 : backend === 'cpu' ? 2048 : 8000
        const rate = await throughput(model, data, samples)
        data.dispose()
        const gflops = (rate * 6 * forwardMacs[model]) / 1e9
        log(`${model} on ${backend}: ${Math.round(rate)} samples/s`)
        rows.push({ model, backend, samplesPerSecond: Math.round(rate), trainingGflops: round(gflops, 2), rooflineFraction: backend === 'wasm' ? round(gflops / roofline, 3) : null })
      }
    }
    rows.push({ model: 'matMul 1024', backend: 'wasm', samplesPerSecond: null, trainingGflops: round(roofline, 1), rooflineFraction: 1 })

    // Opt-in threads: the same matMul and LeNet-300-100 with 2 wasm worker threads, side by side.
    await setupBackend('wasm', { threads: 2 })
    const threaded = await matMulRoofline()
    const data = await registry.datasets.get('mnist').load({ train: 8000, test: 10, shape: 'flat' }, { seed: 42, rng: createRng(42) })
    const rate = await throughput('lenet-300-100', data, 8000)
    data.dispose()
    await setupBackend('wasm', { threads: 1 })
    const single = rows.find((r) => r.model === 'lenet-300-100' && r.backend === 'wasm')!
    log(`wasm with 2 threads: matMul ${threaded.toFixed(1)} GFLOP/s (x${(threaded / roofline).toFixed(2)}), lenet-300-100 ${Math.round(rate)} samples/s (x${(rate / Number(single.samplesPerSecond)).toFixed(2)})`)
    rows.push({ model: 'matMul 1024', backend: 'wasm, 2 threads', samplesPerSecond: null, trainingGflops: round(threaded, 1), rooflineFraction: round(threaded / roofline, 2) })
    rows.push({ model: 'lenet-300-100', backend: 'wasm, 2 threads', samplesPerSecond: Math.round(rate), trainingGflops: round((rate * 6 * forwardMacs['lenet-300-100']) / 1e9, 2), rooflineFraction: round((rate * 6 * forwardMacs['lenet-300-100']) / 1e9 / roofline, 3) })
    return rows
  },
}
