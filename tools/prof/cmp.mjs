import { createRegistry, createRng, setupBackend, Trainer } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { buildZooModel } from '../dist/bench/training.js'
const model = process.argv[2] ?? 'lenet-300-100'
const samples = Number(process.argv[3] ?? 2048)
await setupBackend('wasm')
const registry = createRegistry({ plugins: [datasetsPlugin()] })
const data = await registry.datasets.get('mnist').load({ train: samples, test: 10, shape: model === 'lenet-300-100' ? 'flat' : 'image' }, { seed: 42, rng: createRng(42) })
for (const round of [1, 2]) for (const engine of ['auto', 'tfjs']) {
  const pm = await buildZooModel(model, data)
  const trainer = new Trainer({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true, epochs: 1, engine })
  await trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) })
  const r = await trainer.fit(pm, data.train, { task: 'multiclass', rng: createRng(2) })
  console.log(round, model, engine, Math.round(r.samples / r.seconds), 'samples/s', r.engine)
  pm.dispose()
}
