import * as tf from '@tensorflow/tfjs-core'
import { createRegistry, createRng, setupBackend, Trainer } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { buildZooModel } from '../dist/bench/training.js'
const model = process.argv[2] ?? 'mobilenet-mini'
const samples = Number(process.argv[3] ?? 1024)
await setupBackend('wasm', process.argv[4] ? { threads: Number(process.argv[4]) } : undefined)
console.log('backend', tf.getBackend())
const registry = createRegistry({ plugins: [datasetsPlugin()] })
const data = await registry.datasets.get('mnist').load({ train: samples, test: 10, shape: 'image' }, { seed: 42, rng: createRng(42) })
const pm = await buildZooModel(model, data)
const trainer = new Trainer({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true, epochs: 1 })
await trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) })
let t = performance.now()
await trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) })
const wall = performance.now() - t
console.log(model, 'samples/s', (samples / wall * 1000).toFixed(0), 'ms/batch', (wall / (samples / 64)).toFixed(1))
const prof = await tf.profile(() => trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) }))
const by = new Map()
let total = 0
for (const k of prof.kernels) { const e = by.get(k.name) ?? { ms: 0, n: 0 }; e.ms += k.kernelTimeMs; e.n++; by.set(k.name, e); total += k.kernelTimeMs }
const batches = samples / 64
console.log('kernels/batch', (prof.kernels.length / batches).toFixed(0), 'kernel ms/batch', (total / batches).toFixed(1))
for (const [name, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) console.log(name.padEnd(28), (e.ms / batches).toFixed(2).padStart(8), 'ms', (e.n / batches).toFixed(0).padStart(5), 'calls', (100 * e.ms / total).toFixed(1) + '%')
if (process.env.SHAPES) {
  const bs = new Map()
  for (const k of prof.kernels) { const key = k.name + ' ' + k.inputShapes.map((s) => '[' + s + ']').join('') + ' -> ' + k.outputShapes.map((s) => '[' + s + ']').join(''); const e = bs.get(key) ?? { ms: 0, n: 0 }; e.ms += k.kernelTimeMs; e.n++; bs.set(key, e) }
  for (const [name, e] of [...bs].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(process.env.SHAPES))) console.log((e.ms / batches).toFixed(2).padStart(8), (e.n / batches).toFixed(1).padStart(5), name)
}
