import { countForSparsity, createRegistry, readSensitivity, runPipeline, setupBackend, type AllocationRecord, type ConfigInput, type PipelineResult } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin, readFlops, readLayers, readNumber } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import * as tf from '@tensorflow/tfjs-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { structuredPlugin } from './plugin.js'

const out = mkdtempSync(join(tmpdir(), 'prunekit-sensitivity-'))

beforeAll(async () => {
  await setupBackend('wasm')
})

afterAll(async () => {
  rmSync(out, { recursive: true, force: true })
  await setupBackend('cpu')
})

/** resnet-mini [8, 16] on held-out MNIST digits: stem_conv and b1_conv_2 meet in b1_add, b2_conv_2 and b2_proj in b2_add. */
function run(pipeline: ConfigInput['pipeline'], model: ConfigInput['model'] = { zoo: 'resnet-mini', filters: [8, 16] }): Promise<PipelineResult> {
  const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin()] })
  const shape = 'zoo' in model && model.zoo === 'resnet-mini' ? 'image' : 'flat'
  return runPipeline(
    {
      seed: 5,
      backend: 'wasm',
      model,
      data: { dataset: 'mnist', train: 256, test: 64, validation: 64, shape },
      train: { batchSize: 32, learningRate: 0.003 },
      pipeline: [{ train: { epochs: 1 } }, ...pipeline],
      reporters: [],
      out,
    },
    { registry, quiet: true },
  )
}

const curvesOf = (result: PipelineResult) => result.snapshots.map(readSensitivity).find((c) => c !== undefined)!
const recordOf = (result: PipelineResult) => result.snapshots.find((s) => s.label === 'allocation')!.metrics.allocation as unknown as AllocationRecord
const snapshot = (result: PipelineResult, label: string) => result.snapshots.find((s) => s.label === label)!

describe('sensitivity with a structured strategy', () => {
  it('probes one dependency group at a time, as the strategy groups the layers, and allocates per group', async () => {
    const tensors = tf.memory().numTensors
    const result = await run([
      { sensitivity: { strategy: 'l1-units', levels: [0.25, 0.5], samples: 64 } },
      { prune: { strategy: 'l1-units', allocation: 'sensitivity', sparsity: 0.4, refine: false } },
      { evaluate: { label: 'pruned', metrics: ['layers'] } },
    ])
    expect(tf.memory().numTensors).toBe(tensors)
    const curves = curvesOf(result)
    expect(curves.split).toBe('validation[0:64]')
    // Kernels: stem 3x3x1x8, b1 3x3x8x8 twice, b2 3x3x8x16, 3x3x16x16 and the 1x1x8x16 projection.
    expect(curves.layers.map((l) => [l.name, l.layers, l.weights])).toEqual([
      ['stem_conv + b1_conv_2', ['stem_conv', 'b1_conv_2'], 72 + 576],
      ['b1_conv_1', undefined, 576],
      ['b2_conv_1', undefined, 1152],
      ['b2_conv_2 + b2_proj', ['b2_conv_2', 'b2_proj'], 2304 + 128],
    ])
    expect(curves.skipped).toEqual([{ name: 'output', reason: expect.stringMatching(/never pruned: a model output/) }])
    expect(result.steps[1].summary).toMatch(/^4 dependency groups probed on validation\[0:64\]; stem_conv \+ b1_conv_2 at 50%/)

    // Every layer of a group keeps the units its group was allocated.
    const record = recordOf(result)
    const units = new Map(readLayers(snapshot(result, 'pruned'))!.map((l) => [l.name, l.units]))
    const built: Record<string, number> = { stem_conv: 8, b1_conv_2: 8, b1_conv_1: 8, b2_conv_1: 16, b2_conv_2: 16, b2_proj: 16 }
    expect(record.layers.some((l) => l.sparsity > 0)).toBe(true)
    for (const [i, allocated] of record.layers.entries()) {
      for (const layer of curves.layers[i].layers ?? [curves.layers[i].name]) expect([layer, units.get(layer)]).toEqual([layer, built[layer] - countForSparsity(built[layer], allocated.sparsity)])
    }
  })

  it('measures a group\'s probe as pruning the whole group does', async () => {
    const probed = await run([{ sensitivity: { strategy: 'l1-units', levels: [0.5], samples: 64, layers: ['b2_proj'] } }])
    const byHand = await run([{ prune: { strategy: 'l1-units', sparsity: 0.5, include: ['b2_proj'] } }, { evaluate: { label: 'group', split: 'validation', metrics: ['loss', 'accuracy', 'layers'] } }])
    const group = snapshot(byHand, 'group')
    expect(readLayers(group)!.filter((l) => l.name.startsWith('b2_')).map((l) => [l.name, l.units])).toEqual([['b2_conv_1', 16], ['b2_conv_2', 8], ['b2_proj', 8]])
    const [curve] = curvesOf(probed).layers
    expect(curve.name).toBe('b2_conv_2 + b2_proj')
    expect(curve.points[1].accuracy).toBe(readNumber(group, 'accuracy'))
    expect(curve.points[1].loss).toBeCloseTo(readNumber(group, 'loss')!, 5)
  })
})

describe('prune: { allocation: sensitivity } within a budget', () => {
  it('meets a MAC budget with a structured strategy, as the flops metric counts it', async () => {
    const result = await run([
      { evaluate: { label: 'baseline', metrics: ['flops'] } },
      { sensitivity: { strategy: 'l1-units', levels: [0.25, 0.5, 0.75], samples: 64 } },
      { prune: { strategy: 'l1-units', allocation: 'sensitivity', macs: 150_000, refine: false } },
      { evaluate: { label: 'pruned', metrics: ['flops'] } },
    ])
    const [before, after] = ['baseline', 'pruned'].map((label) => readFlops(snapshot(result, label))!.effectiveMacs)
    const record = recordOf(result)
    expect(before).toBeGreaterThan(150_000)
    expect(after).toBeLessThanOrEqual(150_000)
    // Not pruned further than the budget needs: within a tenth of it.
    expect(after).toBeGreaterThan(135_000)
    expect(record.budget).toMatchObject({ resource: 'macs', limit: 150_000, measured: after })
    expect(result.steps[3].summary).toMatch(new RegExp(`; macs ${after.toLocaleString('en-US')} \\(budget 150,000, predicted [\\d,]+\\)`))
  })

  it('meets a byte budget with magnitude, counted as the sparse export the size metric measures', async () => {
    const result = await run(
      [
        { evaluate: { label: 'baseline', metrics: ['size'] } },
        { sensitivity: { levels: [0.5, 0.8, 0.95], samples: 64 } },
        { prune: { allocation: 'sensitivity', bytes: 40_000 } },
        { evaluate: { label: 'pruned', metrics: ['size'] } },
      ],
      { zoo: 'mlp', units: [32] },
    )
    const sparseBytes = (label: string) => (snapshot(result, label).metrics.size as { files: { sparse: number } }).files.sparse
    expect(sparseBytes('baseline')).toBeGreaterThan(100_000)
    expect(sparseBytes('pruned')).toBeLessThanOrEqual(40_000)
    expect(sparseBytes('pruned')).toBeGreaterThan(36_000)
    expect(recordOf(result).budget).toMatchObject({ resource: 'bytes', limit: 40_000, measured: sparseBytes('pruned') })
  })

  it('names the key and the smallest size the curves reach when the budget is impossible', async () => {
    const failed = run([{ sensitivity: { levels: [0.5, 0.9], mode: 'data-free' } }, { prune: { allocation: 'sensitivity', bytes: 1000 } }], { zoo: 'mlp', units: [32] })
    await expect(failed).rejects.toThrow(/prune\.bytes: 1000 is below the smallest the sensitivity curves reach, \d+ bytes of the sparse export .*Raise bytes to at least \d+/)
  })
})
