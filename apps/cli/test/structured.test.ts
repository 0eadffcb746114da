import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, repoRoot, tempDir } from './run-cli.js'

interface Report {
  snapshots: Array<{ label: string; metrics: { accuracy: number; layers: Array<{ name: string; units?: number }>; flops: { macs: number } } }>
  steps: Array<{ name: string; summary?: string }>
}

interface ExportedModel {
  modelTopology: { config: { layers: Array<{ class_name: string; config: { name: string; units?: number; activation?: string } }> } }
}

/** Runs a prunekit.yaml (writing to out/) in a fresh directory and expects it to succeed. */
async function run(config: string) {
  const dir = tempDir({ 'prunekit.yaml': config })
  const result = await cli(['run', 'prunekit.yaml'], dir)
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  const read = <T>(file: string) => JSON.parse(readFileSync(join(dir, 'out', file), 'utf8')) as T
  return { result, report: read<Report>('report.json'), exported: () => read<ExportedModel>('model/model.json').modelTopology.config.layers }
}

describe('@prunekit/strategy-structured from the command line', () => {
  it('removes units, reports them per layer, and exports the smaller model', async () => {
    const { result, report, exported } = await run(`
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
`)
    // The export step records the reloaded smaller model's snapshot too.
    expect(report.snapshots.map((s) => s.label)).toEqual(['baseline', 'structured', 'export-model'])
    expect(report.snapshots[2].metrics.accuracy).toBe(report.snapshots[1].metrics.accuracy)
    const units = report.snapshots.slice(0, 2).map((s) => s.metrics.layers.map((l) => `${l.name} ${l.units}`))
    expect(units).toEqual([
      ['dense_1 32', 'dense_2 16', 'output 10'],
      ['dense_1 16', 'dense_2 16', 'output 10'],
    ])
    // 784*32+32 + 32*16+16 + 16*10+10 -> 784*16+16 + 16*16+16 + 16*10+10
    expect(report.steps[2].summary).toBe('l1-units: units dense_1 32 -> 16; 25,818 -> 13,002 params')
    expect(result.stdout).toContain('done in')
    expect(report.snapshots[1].metrics.flops.macs).toBe(784 * 16 + 16 * 16 + 16 * 10)
    expect(exported().map((l) => l.config.units)).toEqual([16, 16, 10])
  })

  it('folds the BatchNorms and relus into the convs for deployment, with the same accuracy', async () => {
    const { report, exported } = await run(`
seed: 5
backend: wasm
plugins: ['@prunekit/strategy-structured']
model: { zoo: cnn-small, filters: [8, 8], units: 16 }
data: { dataset: mnist, train: 600, test: 200, shape: image }
pipeline:
  - train: { epochs: 1 }
  - prune: { strategy: l1-units, ratio: 0.5, roundTo: 4 }
  - evaluate: { label: structured }
  - fold-batchnorm
  - evaluate: { label: deployed }
  - export: { dir: model }
reporters: [json]
out: out
`)
    expect(report.steps[3].summary).toBe(
      'folded 2 BatchNorm(s) (bn_1 into conv_1, bn_2 into conv_2), fused 2 activation(s) (relu_1 into conv_1, relu_2 into conv_2); 10 -> 6 layers; checkpoints init restore the unfolded model as saved, and cannot be rewound into the folded one',
    )
    const [structured, deployed] = report.snapshots.map((s) => s.metrics)
    expect(deployed.accuracy).toBe(structured.accuracy)
    expect(deployed.layers.map((l) => `${l.name} ${l.units}`)).toEqual(['conv_1 4', 'conv_2 4', 'dense_1 8', 'output 10'])
    const layers = exported()
    expect(layers.map((l) => l.class_name)).toEqual(['Conv2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense'])
    expect(layers.filter((l) => l.class_name === 'Conv2D').map((l) => l.config.activation)).toEqual(['relu', 'relu'])
  })

  it('validates examples/structured.yaml', async () => {
    const result = await cli(['validate', join(repoRoot, 'examples/structured.yaml')], repoRoot)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('cnn-small on mnist, 11 steps')
  })
})
