import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, tempDir } from './run-cli.js'
import { tinyConfig } from './tiny-config.js'

const config = (prune: string): string =>
  tinyConfig({ steps: ['sensitivity: { levels: [0.5, 0.9], samples: 200 }', prune, 'evaluate: { label: pruned, metrics: [accuracy, sparsity] }'], reporters: '[console, json, png, csv]' })

describe('prunekit run with a sensitivity step', () => {
  it('writes the curves to report.json, sensitivity.csv and sensitivity.png, and prunes to the global target', async () => {
    const dir = tempDir({ 'prunekit.yaml': config('prune: { allocation: sensitivity, sparsity: 0.8 }') })
    const result = await cli(['run', 'prunekit.yaml'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/2 layers probed on train\[400:600\]/)
    expect(result.stdout).toMatch(/allocated from sensitivity: dense_1 [\d.]+%, output [\d.]+%; predicted accuracy 0\.\d{4}, measured 0\.\d{4} on train\[400:600\]/)
    expect(readdirSync(join(dir, 'out'))).toEqual(expect.arrayContaining(['report.json', 'sensitivity.csv', 'sensitivity.png']))
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'))
    const curves = report.snapshots.find((s: { label: string }) => s.label === 'sensitivity').metrics.sensitivity
    expect(curves.layers.map((l: { name: string; points: unknown[] }) => [l.name, l.points.length])).toEqual([['dense_1', 3], ['output', 3]])
    expect(report.snapshots.at(-1).metrics.sparsity).toBeCloseTo(0.8, 4)
    const csv = readFileSync(join(dir, 'out/sensitivity.csv'), 'utf8').trim().split('\n')
    expect(csv[0]).toBe('layer,weights,sparsity,loss,accuracy,mass_removed')
    expect(csv).toHaveLength(1 + 2 * 3)
  })

  it('exits 2 (a config problem) and says which step to add when no sensitivity step ran before the allocation', async () => {
    const dir = tempDir({ 'prunekit.yaml': config('prune: { allocation: sensitivity, sparsity: 0.8 }').replace(/  - sensitivity: .*\n/, '') })
    const result = await cli(['run', 'prunekit.yaml'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/none ran before this prune step\. Add one earlier in the pipeline, e\.g\. `- sensitivity: \{ strategy: magnitude \}`/)
  })
})
