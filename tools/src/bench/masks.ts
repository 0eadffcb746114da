import { createRegistry, createRng, magnitude, PrunableModel, setupBackend, Trainer } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { modelsPlugin } from '@prunekit/models'
import { medianSeconds, round, type Suite } from './measure.js'

export const masksSuite: Suite = {
  name: 'masks',
  description: 'Cost of holding pruned weights at zero: a fine-tuning epoch of LeNet-300-100 with masks (90%) against without',
  async run(log) {
    await setupBackend('wasm')
    const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin()] })
    const data = await registry.datasets.get('mnist').load({ train: 8000, test: 10, shape: 'flat' }, { seed: 42, rng: createRng(42) })
    const build = async () => new PrunableModel((await registry.models.get('lenet-300-100').build({}, { inputShape: [784], numClasses: 10, task: 'multiclass', rng: createRng(1) })) as never)
    const dense = await build()
    const masked = await build()
    await magnitude.prune(masked, { options: magnitude.options.parse({ sparsity: 0.9 }) }, { rng: createRng(1) })
    const trainer = new Trainer({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true, epochs: 1 })
    const epoch = (model: PrunableModel) => () => trainer.fit(model, data.train, { task: 'multiclass', rng: createRng(2) })
    // Interleave the two so machine noise hits both alike.
    const times = { dense: [] as number[], masked: [] as number[] }
    for (let i = 0; i < 4; i++) {
      times.dense.push(await medianSeconds(epoch(dense), 1, i === 0 ? 1 : 0))
      times.masked.push(await medianSeconds(epoch(masked), 1, i === 0 ? 1 : 0))
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]
    const overhead = med(times.masked) / med(times.dense) - 1
    log(`mask enforcement: ${(overhead * 100).toFixed(1)}% of a training step`)
    data.dispose()
    dense.dispose()
    masked.dispose()
    return [{ denseEpochSeconds: round(med(times.dense)), maskedEpochSeconds: round(med(times.masked)), overheadPercent: round(overhead * 100, 1) }]
  },
}
