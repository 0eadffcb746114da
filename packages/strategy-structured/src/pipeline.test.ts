import { createRegistry, runPipeline, setupBackend, unitChanges } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin, readFlops, readLatency, readLayers, readNumber } from '@prunekit/metrics'
import { loadModel, modelsPlugin } from '@prunekit/models'
import * as tf from '@tensorflow/tfjs-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { structuredPlugin } from './plugin.js'

const kerasLenet = fileURLToPath(new URL('../../../../shared/fixtures/external/keras-lenet/', import.meta.url))
const out = mkdtempSync(join(tmpdir(), 'prunekit-structured-'))

beforeAll(async () => {
  await setupBackend('wasm')
})

afterAll(async () => {
  rmSync(out, { recursive: true, force: true })
  await setupBackend('cpu')
})

describe('structured pruning in a pipeline', () => {
  it('removes filters, prunes what is left by magnitude, fine-tunes with both kept, and exports a model stock tfjs loads', async () => {
    const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin()] })
    const tensorsBefore = tf.memory().numTensors
    const result = await runPipeline(
      {
        seed: 3,
        backend: 'wasm',
        model: { zoo: 'cnn-small', filters: [8, 8], units: 16 },
        data: { dataset: 'mnist', train: 256, test: 128, shape: 'image' },
        train: { batchSize: 32 },
        pipeline: [
          { train: { epochs: 1 } },
          { evaluate: { label: 'baseline', metrics: ['accuracy', 'layers', 'flops', 'latency'] } },
          { prune: { strategy: 'l1-units', ratio: 0.5, roundTo: 4 } },
          { evaluate: { label: 'structured' } },
          { prune: { strategy: 'magnitude', sparsity: 0.5 } },
          { evaluate: { label: 'pruned' } },
          { finetune: { epochs: 1 } },
          { evaluate: { label: 'finetuned', metrics: ['accuracy', 'sparsity', 'layers', 'flops', 'latency'] } },
          { export: { dir: join(out, 'model') } },
        ],
        reporters: [],
        out,
      },
      { registry, quiet: true, keepModel: true },
    )
    const [baseline, structured, pruned, finetuned] = result.snapshots
    expect(unitChanges(readLayers(baseline), readLayers(finetuned)).map((c) => `${c.name} ${c.before} -> ${c.after}`)).toEqual(['conv_1 8 -> 4', 'conv_2 8 -> 4', 'dense_1 16 -> 8', 'output 10 -> 10'])
    // trainable params: conv_1 72, bn_1 16, conv_2 576, bn_2 16, dense_1 392*16+16, output 170 -> 36, 8, 144, 8, 196*8+8, 90
    expect(result.steps[2].summary).toBe('l1-units: units conv_1 8 -> 4, conv_2 8 -> 4, dense_1 16 -> 8; 7,138 -> 1,862 params')

    const macs = [baseline, structured, pruned, finetuned].map((s) => readFlops(s)!)
    expect(macs[1].macs).toBeLessThan(macs[0].macs / 3)
    expect(macs[2].macs).toBe(macs[1].macs)
    expect(macs[2].effectiveMacs).toBeLessThan(macs[2].macs)
    expect(macs[3].effectiveMacs).toBe(macs[2].effectiveMacs) // fine-tuning held the masked weights at zero
    // Sparsity counts from the model as built: kernels 72 + 576 + 392*16 + 16*10 = 7,080 entries, of which
    // the cut keeps 36 + 144 + 196*8 + 8*10 = 1,828, and magnitude then zeroes half of those (globally).
    expect([structured, pruned, finetuned].map((s) => readNumber(s, 'sparsity'))).toEqual([(7080 - 1828) / 7080, (7080 - 914) / 7080, (7080 - 914) / 7080])
    const conv2 = readLayers(pruned)!.find((l) => l.name === 'conv_2')!
    expect([conv2.params, conv2.builtParams, conv2.sparsity]).toEqual([144, 576, (576 - conv2.nonzero) / 576])
    expect(conv2.nonzero).toBeLessThan(144)
    expect(readLayers(finetuned)!.find((l) => l.name === 'conv_2')!.shape).toEqual([3, 3, 4, 4])
    expect(readLatency(baseline)!.batches.map((b) => b.batch)).toEqual([1, 256])
    expect(readLatency(structured)).toBeUndefined() // opt-in: measured only where named

    const model = result.model!
    const loaded = await loadModel(join(out, 'model'))
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1)
    const [want, got] = [model.model.predict(x), loaded.predict(x)] as tf.Tensor[]
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(want, got))).dataSync()[0])).toBe(0)
    tf.dispose([x, want, got])
    loaded.dispose()
    model.dispose()
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it('prunes units of a Keras model that lists every layer as an output, once model.output names the prediction', async () => {
    const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin()] })
    const tensorsBefore = tf.memory().numTensors
    const result = await runPipeline(
      {
        seed: 5,
        backend: 'wasm',
        model: { path: kerasLenet, output: 'Softmax' },
        data: { dataset: 'mnist', train: 64, test: 500, shape: 'image' },
        pipeline: [
          { evaluate: { label: 'baseline', metrics: ['accuracy', 'layers'] } },
          { prune: { strategy: 'l1-units', ratio: 0.5 } },
          { evaluate: { label: 'structured', metrics: ['accuracy', 'layers'] } },
        ],
        reporters: [],
        out,
      },
      { registry, quiet: true },
    )
    const [baseline, structured] = result.snapshots
    expect(unitChanges(readLayers(baseline), readLayers(structured)).map((c) => `${c.name} ${c.before} -> ${c.after}`)).toEqual([
      'Conv2D_1 6 -> 3',
      'Conv2D_2 16 -> 8',
      'Dense_1 120 -> 60',
      'Dense_2 84 -> 42',
      'Softmax 10 -> 10',
    ])
    expect(readNumber(baseline, 'accuracy')).toBeGreaterThan(0.98)
    expect(readNumber(structured, 'accuracy')).toBeGreaterThan(0.2) // the Keras weights still mean something after the cut
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })
})
