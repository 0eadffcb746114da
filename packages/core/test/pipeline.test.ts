import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import * as tfl from '@tensorflow/tfjs-layers'
import { Checkpoint, createRegistry, PrunableModel, runPipeline, setupBackend, type ConfigInput, type Reporter } from '../src/index.js'
import { tinyPlugin } from './fixtures.js'

const config = (overrides: Partial<ConfigInput> = {}): ConfigInput => ({
  seed: 7,
  backend: 'cpu',
  model: { zoo: 'tiny' },
  data: { dataset: 'blobs' },
  train: { learningRate: 0.01, batchSize: 32 },
  pipeline: [
    { train: { epochs: 3 } },
    { evaluate: { label: 'baseline' } },
    { prune: { strategy: 'magnitude', sparsity: 0.5 } },
    { evaluate: { label: 'pruned' } },
    { finetune: { epochs: 2 } },
    { evaluate: { label: 'finetuned' } },
  ],
  reporters: [],
  ...overrides,
})

const run = (c: ConfigInput, reporters: Reporter[] = []) => runPipeline(c, { registry: createRegistry({ plugins: [tinyPlugin] }), reporters })

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('runPipeline', () => {
  it('runs the steps in config order and tells reporters as it goes', async () => {
    const events: string[] = []
    const recorder: Reporter = {
      onRunStart: (r) => void events.push(`start ${r.steps.join(',')}`),
      onStepStart: (s) => void events.push(`step ${s.index}:${s.name}`),
      onSnapshot: (s) => void events.push(`snapshot ${s.label}`),
      onRunEnd: (r) => void events.push(`end ${r.snapshots.length}`),
    }
    const result = await run(config(), [recorder])
    expect(events).toEqual([
      'start train,evaluate,prune,evaluate,finetune,evaluate',
      'step 0:train',
      'step 1:evaluate',
      'snapshot baseline',
      'step 2:prune',
      'step 3:evaluate',
      'snapshot pruned',
      'step 4:finetune',
      'step 5:evaluate',
      'snapshot finetuned',
      'end 3',
    ])
    const [baseline, pruned, finetuned] = result.snapshots
    expect(baseline.metrics.zeros).toBe(0)
    expect(pruned.metrics.zeros).toBe(Math.round(0.5 * (6 * 8 + 8 * 5 + 5 * 3)))
    expect(finetuned.metrics.zeros).toBe(pruned.metrics.zeros)
    expect(baseline.metrics.accuracy).toBeGreaterThan(0.6)
  })

  it('gives identical numbers for the same seed, and different ones for another', async () => {
    const a = await run(config())
    const b = await run(config())
    const c = await run(config({ seed: 8 }))
    expect(b.snapshots).toEqual(a.snapshots)
    expect(c.snapshots).not.toEqual(a.snapshots)
  })

  it('agrees between the wasm and cpu backends', async () => {
    const cpu = await run(config({ backend: 'cpu' }))
    const wasm = await run(config({ backend: 'wasm' }))
    cpu.snapshots.forEach((s, i) => {
      expect(wasm.snapshots[i].metrics.loss as number).toBeCloseTo(s.metrics.loss as number, 3)
      expect(Math.abs((wasm.snapshots[i].metrics.accuracy as number) - (s.metrics.accuracy as number))).toBeLessThanOrEqual(2 / 90)
    })
    await setupBackend('cpu')
  })

  it('restores a checkpoint exactly, with its masks or keeping the current ones', async () => {
    const result = await run(
      config({
        pipeline: [
          { train: { epochs: 2 } },
          { checkpoint: { name: 'trained' } },
          { evaluate: { label: 'trained' } },
          { prune: { strategy: 'magnitude', sparsity: 0.6 } },
          { evaluate: { label: 'pruned' } },
          { restore: { name: 'trained' } },
          { evaluate: { label: 'restored' } },
          { prune: { strategy: 'magnitude', sparsity: 0.6 } },
          { restore: { name: 'init', masks: 'current' } },
          { evaluate: { label: 'rewound' } },
        ],
      }),
    )
    const [trained, pruned, restored, rewound] = result.snapshots
    expect(pruned.metrics.zeros).toBeGreaterThan(0)
    expect(restored.metrics).toEqual(trained.metrics)
    expect(rewound.metrics.zeros).toBe(pruned.metrics.zeros)
    await expect(run(config({ pipeline: [{ restore: { name: 'nope' } }] }))).rejects.toThrow(/^Step 1 \(restore\) failed: No checkpoint named "nope". Saved so far: init\./)
  })

  it('restores non-trainable weights too: BatchNorm\'s moving statistics come back', async () => {
    const model = new PrunableModel(
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4 }), tfl.layers.batchNormalization({ name: 'bn' }), tfl.layers.dense({ units: 2 })] }),
    )
    const stats = () => model.model.getLayer('bn').getWeights().slice(2).map((w) => Array.from(w.dataSync()))
    const saved = Checkpoint.capture(model)
    const before = stats()
    const x = tf.randomNormal([16, 3], 3, 2, 'float32', 1)
    tf.tidy(() => void model.forward(x, true)) // a training-mode pass moves the statistics
    expect(stats()).not.toEqual(before)
    expect(saved.fits(model)).toBe(true)
    saved.restore(model)
    expect(stats()).toEqual(before)
    tf.dispose(x)
    saved.dispose()
    model.dispose()
  })

  it('leaks no tensors across a whole run', async () => {
    await run(config())
    const before = tf.memory().numTensors
    await run(config())
    expect(tf.memory().numTensors).toBe(before)
  })

  it('reports every config problem at once, with paths and suggestions', async () => {
    const bad = {
      ...config(),
      seed: 'x',
      model: { zoo: 'tinny' },
    } as unknown as ConfigInput
    await expect(run(bad)).rejects.toThrow(/seed: Invalid input: expected number, received string/)
    const badNames = config({
      model: { zoo: 'tinny' },
      data: { dataset: 'blobs', train: -1.5 },
      pipeline: [{ trian: { epochs: 1 } }, { prune: { strategy: 'magnitud', sparsity: 0.5 } }, { prune: { sparsity: 2 } }, { train: { epochs: 1, extra: true } }],
      reporters: ['consol'],
    })
    const error = await run(badNames).catch((e: unknown) => e as Error & { issues: Array<{ path: string; message: string }> })
    expect(error.issues.map((i) => i.path)).toEqual(['model.zoo', 'data.train', 'pipeline.0', 'pipeline.1.prune.strategy', 'pipeline.2.prune.sparsity', 'pipeline.3.train', 'reporters.0'])
    expect(error.message).toContain('model.zoo: unknown model "tinny". Did you mean "tiny"?')
    expect(error.message).toContain('pipeline.0: unknown step "trian". Did you mean "train"?')
    expect(error.message).toContain('pipeline.1.prune.strategy: unknown strategy "magnitud". Did you mean "magnitude"?')
  })
})
