import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, repoRoot, tempDir } from './run-cli.js'

const config = (pipeline: string) => `
seed: 3
backend: wasm
plugins: ['@prunekit/strategy-iterative']
model: { zoo: mlp, units: [32] }
data: { dataset: mnist, train: 600, test: 200 }
train: { batchSize: 32, learningRate: 0.003 }
pipeline:
${pipeline}
reporters: [console, json]
out: out
`

interface Report {
  snapshots: Array<{ label: string; metrics: { accuracy: number; sparsity: number } }>
  steps: Array<{ name: string; summary?: string }>
}

const kernels = 784 * 32 + 32 * 10
const exactly = (sparsity: number) => Math.round(sparsity * kernels) / kernels

describe('@prunekit/strategy-iterative from the command line', () => {
  it('runs two tiny lottery-ticket rounds with their control, then gradual pruning, end to end', async () => {
    const dir = tempDir({
      'prunekit.yaml': config(`
  - train: { epochs: 2, checkpoints: [1] }
  - evaluate: { label: baseline }
  - iterate: { rounds: 2, prune: { strategy: magnitude, schedule: { name: geometric, rate: 0.5 } }, finetune: { epochs: 1 }, rewind: { epoch: 1 }, control: reinit }
  - finetune: { epochs: 1, prune: { strategy: magnitude, schedule: { name: polynomial, initialSparsity: 0.75, finalSparsity: 0.9, endStep: 15, frequency: 5 } } }
  - evaluate: { label: gradual }`),
    })
    const result = await cli(['run', 'prunekit.yaml'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as Report
    expect(report.snapshots.map((s) => [s.label, s.metrics.sparsity])).toEqual([
      ['baseline', 0],
      ['round-1', exactly(0.5)],
      ['round-1-reinit', exactly(0.5)],
      ['round-2', exactly(0.75)],
      ['round-2-reinit', exactly(0.75)],
      ['gradual', exactly(0.9)],
    ])
    for (const s of report.snapshots) expect(s.metrics.accuracy).toBeGreaterThan(0.3)
    expect(report.steps[2].summary).toMatch(/^2 round\(s\) of magnitude, rewind epoch 1: 50\.0% 0\.\d{4} \(reinit 0\.\d{4}\), 75\.0% 0\.\d{4} \(reinit 0\.\d{4}\)$/)
    expect(report.steps[3].summary).toMatch(/magnitude on a polynomial schedule: 4 prune\(s\), now at 90\.00% sparsity$/)
    // Round by round, in the summary lines.
    expect(result.stdout).toMatch(/^round-1 - Loss: \d\.\d{4}, Accuracy: \d\.\d{4}$/m)
    expect(result.stdout).toMatch(/^round-2-reinit - Loss: \d\.\d{4}, Accuracy: \d\.\d{4}$/m)
  })

  it('reports bad iterate and gradual options at their config paths, with exit code 2', async () => {
    const dir = tempDir({
      'prunekit.yaml': config(`
  - train: { epochs: 1, prune: { strategy: magnitude, schedule: polynomal } }
  - iterate: { rounds: 3, prune: { strategy: magnitude, sparsity: [0.5, 0.8] }, rewind: always }`),
    })
    const result = await cli(['validate', 'prunekit.yaml'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n').filter((l) => l.startsWith('  '))).toEqual([
      '  pipeline.0.train.prune.schedule: unknown schedule "polynomal". Did you mean "polynomial"? Known: constant, linear, polynomial, geometric',
      '  pipeline.1.iterate.rewind: expected none, init or { epoch: k }',
    ])
  })

  it('lists the iterate step once the config loads the plugin, and core\'s schedules', async () => {
    const dir = tempDir({ 'prunekit.yaml': config('  - evaluate: {}') })
    const result = await cli(['list', '--config', 'prunekit.yaml'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^  iterate +\S.*\[@prunekit\/strategy-iterative\]$/m)
    for (const name of ['constant', 'linear', 'polynomial', 'geometric']) expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S.*\\[@prunekit/core\\]$`, 'm'))
  })

  it.each(['iterative.yaml', 'lottery-ticket.yaml', 'gradual.yaml', 'gradual-from-scratch.yaml', 'one-shot-95.yaml', 'dense-15.yaml', 'structured-iterative.yaml', 'structured-gradual.yaml', 'structured-one-shot.yaml'])('validates examples/%s', async (example) => {
    const result = await cli(['validate', join(repoRoot, 'examples', example)], repoRoot)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
  })
})
