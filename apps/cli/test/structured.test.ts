import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, repoRoot, tempDir } from './run-cli.js'

interface Report {
  snapshots: Array<{ label: string; metrics: { accuracy: number; layers: Array<{ name: string; units?: number }>; flops: { macs: number } } }>
  steps: Array<{ name: string; summary?: string }>
}

describe('@prunekit/strategy-structured from the command line', () => {
  it('removes units, reports them per layer, and exports the smaller model', async () => {
    const dir = tempDir({
      'prunekit.yaml': `
seed: 5
backend: wasm
plugins: ['@prunekit/strategy-structured']
model: { zoo: mlp, units: [32, 16] }
data: { dataset: mnist, train: 600, test: 200 }
pipeline:
  - train: { epochs: 1 }
  - evaluate: { label: baseline }
  - prune: { strategy: l1-units, ratio: 0.5, roundTo: 4, exclude: [dense_2] }
  - evaluate: { label: structured }
  - export: { dir: model }
reporters: [console, json]
out: out
`,
    })
    const result = await cli(['run', 'prunekit.yaml'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as Report
    const units = report.snapshots.map((s) => s.metrics.layers.map((l) => `${l.name} ${l.units}`))
    expect(units).toEqual([
      ['dense_1 32', 'dense_2 16', 'output 10'],
      ['dense_1 16', 'dense_2 16', 'output 10'],
    ])
    // 784*32+32 + 32*16+16 + 16*10+10 -> 784*16+16 + 16*16+16 + 16*10+10
    expect(report.steps[2].summary).toBe('l1-units: units dense_1 32 -> 16; 25,818 -> 13,002 params')
    expect(result.stdout).toContain('done in')
    expect(report.snapshots[1].metrics.flops.macs).toBe(784 * 16 + 16 * 16 + 16 * 10)
    const exported = JSON.parse(readFileSync(join(dir, 'out/model/model.json'), 'utf8')) as { modelTopology: { config: { layers: Array<{ config: { name: string; units?: number } }> } } }
    expect(exported.modelTopology.config.layers.map((l) => l.config.units)).toEqual([16, 16, 10])
  })

  it('validates examples/structured.yaml', async () => {
    const result = await cli(['validate', join(repoRoot, 'examples/structured.yaml')], repoRoot)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('cnn-small on mnist, 9 steps')
  })
})
