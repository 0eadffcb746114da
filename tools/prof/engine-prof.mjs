import * as tf from '@tensorflow/tfjs-core'
import { createRegistry, createRng, setupBackend } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { WasmTrainer } from '@prunekit/train-wasm'
import { buildZooModel } from '../dist/bench/training.js'
const model = process.argv[2] ?? 'mobilenet-mini'
const steps = Number(process.argv[3] ?? 20)
await setupBackend('wasm')
const registry = createRegistry({ plugins: [datasetsPlugin()] })
const data = await registry.datasets.get('mnist').load({ train: 64, test: 10, shape: 'image' }, { seed: 42, rng: createRng(42) })
const pm = await buildZooModel(model, data)
const engine = WasmTrainer.compile(pm.model, { batchSize: 64, optimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } })
const x = new Float32Array(await data.train.x.data()), y = new Float32Array(await data.train.y.data())
const stats = new Map()
const wrap = (obj, key, label) => { const f = obj[key]; obj[key] = (n) => { const s = performance.now(); f(n); const e = stats.get(label) ?? 0; stats.set(label, e + performance.now() - s) } }
for (const op of engine.ops) { wrap(op, 'forward', op.layer + ' fwd'); wrap(op, 'backward', op.layer + ' bwd') }
for (let i = 0; i < 3; i++) engine.step(x, 1, y, 64)
stats.clear()
const t = performance.now()
for (let i = 0; i < steps; i++) engine.step(x, 1, y, 64)
const wall = (performance.now() - t) / steps
let total = 0; for (const v of stats.values()) total += v
console.log(model, 'ms/step', wall.toFixed(2), 'ops', (total / steps).toFixed(2), 'other (loss, adam)', (wall - total / steps).toFixed(2), 'samples/s', Math.round(64000 / wall))
for (const [k, v] of [...stats].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 25))) console.log(k.padEnd(30), (v / steps).toFixed(3))
