import * as tf from '@tensorflow/tfjs-core'
import { createRegistry, defineMetric, runPipeline, setupBackend } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelsPlugin } from '../plugin.js'
import type { ExportMetric } from './export-evaluation.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

function registry() {
  const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin()] })
  // @prunekit/metrics' accuracy and loss, without depending on it: the in-memory model to compare with.
  registry.metrics.add(defineMetric({ name: 'accuracy', compute: async (ctx) => (await ctx.evaluation()).accuracy }))
  registry.metrics.add(defineMetric({ name: 'loss', compute: async (ctx) => (await ctx.evaluation()).loss }))
  return registry
}
const base = (out: string) => ({ seed: 3, backend: 'cpu', model: { zoo: 'mlp', units: [64] }, data: { dataset: 'synthetic', samples: 96 }, reporters: [], out })

describe('export step: accuracy after reload', () => {
  it('evaluates every variant it wrote, read back from its files, and records sizes and per-layer error', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-export-eval-'))
    const pipeline = [
      { train: { epochs: 2 } },
      { prune: { strategy: 'magnitude', sparsity: 0.8 } },
      { evaluate: { label: 'pruned', metrics: ['accuracy', 'loss'] } },
      { export: { dir: 'f32' } },
      { export: { dir: 'u8', quantize: 'uint8', minSize: 0 } },
      { export: { dir: 'sp', format: 'sparse', quantize: 'uint8', minSize: 0, label: 'sparse-u8' } },
    ]
    const before = tf.memory().numTensors
    const result = await runPipeline({ ...base(out), pipeline }, { registry: registry(), quiet: true })
    expect(tf.memory().numTensors).toBe(before)
    const [pruned, f32, u8, sparse] = result.snapshots
    expect(result.snapshots.map((s) => s.label)).toEqual(['pruned', 'export-f32', 'export-u8', 'sparse-u8'])
    expect(result.steps[4].summary).toMatch(/; reloaded: loss \d\.\d{4}, accuracy \d\.\d{4}$/)

    // float32 reloads exactly: the same accuracy and loss as the model it came from, zero error.
    expect(f32.metrics.accuracy).toBe(pruned.metrics.accuracy)
    expect(f32.metrics.loss).toBeCloseTo(pruned.metrics.loss as number, 6)
    const f32Export = f32.metrics.export as ExportMetric
    expect(f32Export).toMatchObject({ format: 'layers', dtype: 'float32', file: join(out, 'f32', 'model.json') })
    expect(f32Export.raw).toBe(f32Export.float32.raw)
    expect(f32Export.layers.map((l) => [l.max, l.mean])).toEqual([[0, 0], [0, 0]])

    for (const snapshot of [u8, sparse]) {
      const metric = snapshot.metrics.export as ExportMetric
      expect(metric.dtype).toBe('uint8')
      expect(metric.gzip).toBeLessThan(metric.float32.gzip)
      expect(metric.layers).toHaveLength(2)
      for (const layer of metric.layers) {
        expect(layer.max).toBeGreaterThan(0)
        expect(layer.max).toBeLessThan(0.02)
        expect(layer.mean).toBeLessThanOrEqual(layer.max)
      }
      expect(Math.abs((snapshot.metrics.accuracy as number) - (pruned.metrics.accuracy as number))).toBeLessThan(0.05)
    }
    expect((sparse.metrics.export as ExportMetric).format).toBe('sparse')
  })

  it('skips the reload with evaluate: false', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-export-eval-'))
    const skipped = await runPipeline({ ...base(out), pipeline: [{ export: { dir: 'm', evaluate: false } }] }, { registry: registry(), quiet: true })
    expect(skipped.snapshots).toEqual([])
    expect(skipped.steps[0].summary).not.toContain('reloaded')
  })
})
