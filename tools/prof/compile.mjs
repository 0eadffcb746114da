import { createRegistry, createRng, setupBackend } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { WasmTrainer } from '@prunekit/train-wasm'
import { buildZooModel } from '../dist/bench/training.js'
await setupBackend('wasm')
const registry = createRegistry({ plugins: [datasetsPlugin()] })
const data = await registry.datasets.get('mnist').load({ train: 64, test: 10, shape: 'image' }, { seed: 42, rng: createRng(42) })
for (const name of ['mobilenet-mini', 'lenet-5']) {
  const pm = await buildZooModel(name, data)
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const e = WasmTrainer.compile(pm.model, { batchSize: 64, optimizer: { kind: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } })
    const c = performance.now() - t
    const t2 = performance.now(); e.push(); const p = performance.now() - t2
    console.log(name, 'compile ms', c.toFixed(1), 'push ms', p.toFixed(1), 'MB', (e.bytes / 1e6).toFixed(1))
  }
}
