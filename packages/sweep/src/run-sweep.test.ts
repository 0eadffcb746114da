import { setupBackend } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createTrialRegistry, registryModule, tinySweepConfig } from './registry.fixture.js'
import { runSweep } from './run-sweep.js'
import type { SweepReport } from './sweep-result.js'

const registry = await createTrialRegistry()
await setupBackend('wasm')
const sweep = { values: { 'pipeline.1.prune.sparsity': [0.5, 0.9], seed: [1, 2] } }

describe('runSweep', () => {
  const out = mkdtempSync(join(tmpdir(), 'prunekit-sweep-'))
  const config = tinySweepConfig(out, sweep)
  const options = { config, registry, registryModule, baseDir: out, source: 'sweep.yaml' }

  it('runs each trial as a full pipeline and writes sweep.json, sweep.csv, the Pareto page and PNGs', async () => {
    const tensors = tf.memory().numTensors
    const lines: string[] = []
    const { report, files } = await runSweep({ ...options, progress: { write: (l: string) => lines.push(l) } })
    expect(tf.memory().numTensors).toBe(tensors)
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['sweep.json', 'sweep.csv', 'report.html', 'pareto-bytes.png', 'pareto-macs.png'])
    expect(report.trials.map((t) => t.id)).toEqual(['t01', 't02', 't03', 't04'])
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/^\[1\/4\] t01 \(pipeline\.1\.prune\.sparsity=0\.5, seed=1\): accuracy 0\.\d{4}, sparsity 50\.0%/)
    for (const t of report.trials) {
      const trialReport = JSON.parse(readFileSync(join(out, 'trials', t.id, 'report.json'), 'utf8')) as { snapshots: Array<{ metrics: { accuracy: number; sparsity: number } }> }
      expect(trialReport.snapshots.at(-1)!.metrics.accuracy).toBe(t.metrics.accuracy)
      expect(t.metrics.sparsity).toBeCloseTo(t.values['pipeline.1.prune.sparsity'] as number, 3)
      expect(t.report).toBe(`trials/${t.id}/report.html`)
    }
    // Sparser trials are smaller and cheaper; the cheapest one is always on both fronts.
    const [dense, sparse] = [report.trials[0].metrics, report.trials[2].metrics]
    expect(sparse.bytes!).toBeLessThan(dense.bytes! / 2)
    expect(sparse.macs!).toBeLessThan(dense.macs! / 2)
    const cheapest = [...report.trials].sort((a, b) => a.metrics.bytes! - b.metrics.bytes! || b.metrics.accuracy! - a.metrics.accuracy!)[0]
    expect(report.fronts.bytes![0]).toBe(cheapest.id)
    expect(report.trials.filter((t) => t.front.includes('bytes')).map((t) => t.id)).toEqual([...report.fronts.bytes!].sort())

    const written = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepReport
    expect(written.trials.map((t) => t.metrics)).toEqual(report.trials.map((t) => t.metrics))
    const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n')
    expect(csv[0]).toBe('id,pipeline.1.prune.sparsity,seed,accuracy,loss,sparsity,bytes,macs,latencyMs,seconds,front,report')
    expect(csv[3]).toMatch(new RegExp(`^t03,0\\.9,1,${report.trials[2].metrics.accuracy},`))
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    for (const t of report.trials) expect(html).toContain(`<a href="trials/${t.id}/report.html">${t.id}</a>`)
    expect(html.match(/<svg /g)).toHaveLength(2)
    expect(statSync(join(out, 'pareto-bytes.png')).size).toBeGreaterThan(5000)
  })

  it('computes shared leading steps once and branches from the captured state, with the numbers of whole runs', async () => {
    const shared = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepReport
    expect(shared.prefixes.groups).toEqual([{ leader: 't01', followers: ['t03'], steps: 1 }, { leader: 't02', followers: ['t04'], steps: 1 }])
    expect(shared.prefixes.secondsSaved).toBeGreaterThan(0)
    const whole = mkdtempSync(join(tmpdir(), 'prunekit-sweep-'))
    const { report } = await runSweep({ ...options, config: tinySweepConfig(whole, { ...sweep, share: false }) })
    expect(report.prefixes.groups).toEqual([])
    expect(report.trials.map((t) => t.metrics)).toEqual(shared.trials.map((t) => t.metrics))
  })

  it('skips the trials an earlier run finished, and runs those whose config changed', async () => {
    const before = statSync(join(out, 'trials/t01/report.json')).mtimeMs
    const changed = tinySweepConfig(out, { values: { 'pipeline.1.prune.sparsity': [0.5, 0.8], seed: [1, 2] } })
    const { report } = await runSweep({ ...options, config: changed })
    expect(report.trials.map((t) => t.reused)).toEqual([true, true, false, false])
    expect(statSync(join(out, 'trials/t01/report.json')).mtimeMs).toBe(before)
    expect(report.trials[2].metrics.sparsity).toBeCloseTo(0.8, 3)
    expect(existsSync(join(out, 'trials/t03/trial.json'))).toBe(true)
  })
})
