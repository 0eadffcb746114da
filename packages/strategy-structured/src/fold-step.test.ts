import { createRegistry, definePlugin, defineStep, MaskSet, ModelSlot, PrunableModel, registerAll, runPipeline, setupBackend, type PrunekitPlugin, type RunContext } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin, readNumber } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { foldBatchNormStep } from './fold-step.js'
import { structuredPlugin } from './plugin.js'

const out = mkdtempSync(join(tmpdir(), 'prunekit-fold-'))

interface Probe {
  model: PrunableModel
  layers: string[]
  /** Zeros per masked weight: in the mask, and in the weight itself. */
  zeros: Record<string, [number, number]>
}

/** A test step that records the current model, its layers and its pruned weights. */
function probing(): { probes: Probe[]; plugin: PrunekitPlugin } {
  const probes: Probe[] = []
  const probe = defineStep({
    name: 'probe',
    description: 'Record the current model',
    options: z.object({}).strict(),
    async run(ctx) {
      const masks = ctx.model.masks.prunedCounts()
      const zeros: Probe['zeros'] = {}
      for (const ref of ctx.model.weights()) {
        if (masks.has(ref.key)) zeros[ref.key] = [masks.get(ref.key)!, ref.variable.read().dataSync().filter((w) => w === 0).length]
      }
      probes.push({ model: ctx.model, layers: ctx.model.model.layers.map((l) => l.getClassName()), zeros })
    },
  })
  return { probes, plugin: definePlugin({ name: 'probe', register: (registry) => registerAll(registry, { steps: [probe] }) }) }
}

async function run(model: Record<string, unknown>, pipeline: unknown[]) {
  const { probes, plugin } = probing()
  const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin(), plugin] })
  const result = await runPipeline(
    { seed: 4, backend: 'wasm', model, data: { dataset: 'mnist', train: 256, test: 128, shape: 'image' }, train: { batchSize: 32 }, pipeline, reporters: [], out },
    { registry, quiet: true, keepModel: true },
  )
  return { result, probes }
}

beforeAll(async () => {
  await setupBackend('wasm')
})

afterAll(async () => {
  rmSync(out, { recursive: true, force: true })
  await setupBackend('cpu')
})

describe('the fold-batchnorm step', () => {
  it('folds cnn-small\'s BatchNorms and relus into its convs, keeping the masks and the predictions', async () => {
    const tensorsBefore = tf.memory().numTensors
    const { result, probes } = await run({ zoo: 'cnn-small', filters: [8, 8], units: 16 }, [
      { train: { epochs: 1 } },
      { checkpoint: { name: 'trained' } },
      { prune: { strategy: 'magnitude', sparsity: 0.5 } },
      { evaluate: { label: 'pruned', metrics: ['loss', 'accuracy', 'sparsity'] } },
      'probe',
      'fold-batchnorm',
      'probe',
      { evaluate: { label: 'deployed', metrics: ['loss', 'accuracy', 'sparsity'] } },
    ])
    expect(result.steps[5].summary).toBe(
      'folded 2 BatchNorm(s) (bn_1 into conv_1, bn_2 into conv_2), fused 2 activation(s) (relu_1 into conv_1, relu_2 into conv_2); 10 -> 6 layers; ' +
        'checkpoints init, trained restore the unfolded model as saved, and cannot be rewound into the folded one',
    )
    const [before, after] = probes
    expect(after.model).not.toBe(before.model)
    expect(result.model).toBe(after.model)
    expect(after.layers).toEqual(['Conv2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense'])
    expect(after.zeros).toEqual(before.zeros)
    for (const [masked, actual] of Object.values(after.zeros)) expect(actual).toBeGreaterThanOrEqual(masked)

    const [pruned, deployed] = result.snapshots
    expect(readNumber(deployed, 'accuracy')).toBe(readNumber(pruned, 'accuracy'))
    expect(readNumber(deployed, 'loss')).toBeCloseTo(readNumber(pruned, 'loss')!, 5)
    expect(readNumber(deployed, 'sparsity')).toBe(readNumber(pruned, 'sparsity'))
    result.model!.dispose()
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it.each([
    ['mobilenet-mini', { zoo: 'mobilenet-mini', stem: 8, blocks: [{ expansion: 2, filters: 8, strides: 1 }, { expansion: 2, filters: 12, strides: 2, repeat: 2 }], head: 16 }],
    ['vgg-mini', { zoo: 'vgg-mini', stages: [[8, 8], [12]], units: 16 }],
  ])('deploys %s cut by l1-units (residual groups and depthwise channels shrink with their inputs): folding keeps the predictions', async (_, model) => {
    const tensorsBefore = tf.memory().numTensors
    const { result, probes } = await run(model, [
      { train: { epochs: 1 } },
      { prune: { strategy: 'l1-units', ratio: 0.5 } },
      { evaluate: { label: 'structured', metrics: ['loss', 'accuracy'] } },
      'probe',
      'fold-batchnorm',
      'probe',
      { evaluate: { label: 'deployed', metrics: ['loss', 'accuracy'] } },
    ])
    const [before, after] = probes
    expect(before.layers).toContain('BatchNormalization')
    expect(after.layers).not.toContain('BatchNormalization')
    const [structured, deployed] = result.snapshots
    expect(readNumber(deployed, 'accuracy')).toBe(readNumber(structured, 'accuracy'))
    expect(readNumber(deployed, 'loss')).toBeCloseTo(readNumber(structured, 'loss')!, 4)
    expect(after.layers.length).toBeLessThan(before.layers.length)
    result.model!.dispose()
    expect(tf.memory().numTensors).toBe(tensorsBefore)
  })

  it('leaves a model with nothing to fold as it is', async () => {
    const { result, probes } = await run({ zoo: 'mlp', units: [16] }, ['probe', { 'fold-batchnorm': { activations: true } }, 'probe'])
    expect(result.steps[1].summary).toBe(
      'nothing to fold: no BatchNormalization or activation layer directly follows a linear Dense or Conv that only it reads; model unchanged',
    )
    expect(probes[1].model).toBe(probes[0].model)
    result.model!.dispose()
  })

  it('keeps the checkpoints: they bring back the unfolded model as saved, and refuse to be rewound into the folded one', async () => {
    const model = { zoo: 'cnn-small', filters: [4, 4], units: 8 }
    await expect(run(model, [{ checkpoint: { name: 'trained' } }, 'fold-batchnorm', { restore: { name: 'trained', masks: 'current' } }])).rejects.toThrow(
      'Cannot rewind to checkpoint "trained": fold-batchnorm rewrote the model\'s weights since it was saved. Restore it with masks: saved to bring back the model as saved, or save the checkpoint after fold-batchnorm.',
    )
    const { result, probes } = await run(model, [{ checkpoint: { name: 'trained' } }, 'fold-batchnorm', 'probe', { restore: { name: 'init' } }, 'probe', { restore: { name: 'trained', masks: 'current' } }])
    expect(probes.map((p) => p.layers.length)).toEqual([6, 10])
    expect(result.steps[3].summary).toMatch(/^restored "init": the model as saved/)
    expect(result.steps[5].summary).toBe('restored "trained"')
    result.model!.dispose()
  })

  it('drops a folded layer\'s bias mask (its bias now holds the BatchNorm\'s shift) and keeps its kernel mask', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ name: 'dense', inputShape: [3], units: 4, biasInitializer: 'ones' }),
        tfl.layers.batchNormalization({ name: 'bn', betaInitializer: tfl.initializers.constant({ value: 0.5 }), movingMeanInitializer: 'ones' }),
        tfl.layers.dense({ name: 'output', units: 2 }),
      ],
    })
    const masks = new MaskSet()
    masks.setValues('dense/kernel', [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0], [3, 4])
    masks.setValues('dense/bias', [0, 1, 1, 1], [4])
    masks.setValues('output/kernel', [1, 1, 0, 1, 1, 1, 1, 0], [4, 2])
    const slot = new ModelSlot(new PrunableModel(model, { masks }))
    const ctx = { slot, get model() { return slot.current } } as RunContext
    ctx.model.applyMasks()
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 9)
    const want = ctx.model.model.predict(x) as tf.Tensor
    expect(await foldBatchNormStep.run(ctx, { activations: true })).toBe(
      'folded 1 BatchNorm(s) (bn into dense), fused 0 activation(s); 3 -> 2 layers; checkpoints init restore the unfolded model as saved, and cannot be rewound into the folded one',
    )
    expect(ctx.model.masks.keys()).toEqual(['dense/kernel', 'output/kernel'])
    const got = ctx.model.model.predict(x) as tf.Tensor
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(want, got))).dataSync()[0])).toBeLessThan(1e-5)
    tf.dispose([x, want, got])
    slot.dispose()
  })
})
