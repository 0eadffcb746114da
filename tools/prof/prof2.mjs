import * as tf from '@tensorflow/tfjs-core'
import { createRegistry, createRng, setupBackend, Trainer } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { buildZooModel } from '../dist/bench/training.js'
const model = process.argv[2] ?? 'mobilenet-mini'
const samples = Number(process.argv[3] ?? 1024)
await setupBackend('wasm', process.argv[4] ? { threads: Number(process.argv[4]) } : undefined)
const registry = createRegistry({ plugins: [datasetsPlugin()] })
const data = await registry.datasets.get('mnist').load({ train: samples, test: 10, shape: 'image' }, { seed: 42, rng: createRng(42) })
const pm = await buildZooModel(model, data)
const trainer = new Trainer({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true, epochs: 1 })
await trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) })
let t = performance.now()
await trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) })
const wall = performance.now() - t
console.log(model, 'samples/s', (samples / wall * 1000).toFixed(0), 'ms/batch', (wall / (samples / 64)).toFixed(1))
const stats = new Map()
let depth = 0
for (const k of tf.getKernelsForBackend('wasm')) {
  const f = k.kernelFunc
  tf.unregisterKernel(k.kernelName, 'wasm')
  tf.registerKernel({ ...k, kernelFunc: (args) => {
    depth++
    const s = performance.now()
    try { return f(args) } finally {
      depth--
      const ms = performance.now() - s
      if (depth === 0) {
        const shapes = process.env.SHAPES ? ' ' + Object.values(args.inputs).map((i) => '[' + i.shape + ']').join('') : ''
        const key = k.kernelName + shapes
        const e = stats.get(key) ?? { ms: 0, n: 0 }; e.ms += ms; e.n++; stats.set(key, e)
      }
    }
  } })
}
t = performance.now()
await trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) })
const wall2 = performance.now() - t
const batches = samples / 64
let total = 0, calls = 0
for (const e of stats.values()) { total += e.ms; calls += e.n }
console.log('wrapped ms/batch', (wall2 / batches).toFixed(1), 'kernel ms/batch', (total / batches).toFixed(1), 'calls/batch', (calls / batches).toFixed(0))
for (const [name, e] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(process.env.TOP ?? 30))) console.log(name.padEnd(60), (e.ms / batches).toFixed(2).padStart(8), 'ms', (e.n / batches).toFixed(1).padStart(6), 'calls', (100 * e.ms / total).toFixed(1) + '%')
