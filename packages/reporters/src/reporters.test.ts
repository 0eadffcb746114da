import { createRegistry, type RunInfo, type Snapshot } from '@prunekit/core'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createConsoleReporter } from './console.js'
import { jsonReporter } from './json.js'
import { reportersPlugin } from './plugin.js'
import { writeFileAtomic } from './write.js'

const snapshot = (label: string, sparsity: number): Snapshot => ({
  label,
  step: 1,
  metrics: {
    loss: 0.25,
    accuracy: 0.9,
    sparsity,
    layers: [{ name: 'dense_1', type: 'Dense', shape: [4, 3], params: 12, nonzero: 12 - Math.round(12 * sparsity), sparsity: Math.round(12 * sparsity) / 12, biasParams: 3 }],
  },
})

const run = { config: {}, backend: { name: 'cpu', simd: false, threads: 1 }, model: { name: 'mlp', params: 15, layers: 1 }, data: { name: 'tiny', train: 10, test: 5, task: 'multiclass' }, steps: ['train'] } as unknown as RunInfo

describe('console reporter', () => {
  function capture(quiet: boolean, isTTY = false) {
    let text = ''
    const reporter = createConsoleReporter({ progress: true, table: true }, quiet, { write: (s: string) => (text += s), isTTY })
    return { reporter, text: () => text }
  }

  it('prints the header, per-epoch progress, the summary and the per-layer table', async () => {
    const { reporter, text } = capture(false)
    reporter.onRunStart?.(run)
    reporter.onStepStart?.({ index: 0, name: 'train', total: 1 })
    for (const batch of [1, 2]) reporter.onProgress?.({ step: { index: 0, name: 'train', total: 1 }, epoch: 1, epochs: 1, batch, batches: 2, loss: batch === 2 ? 0.5 : undefined })
    reporter.onStepEnd?.({ index: 0, name: 'train', total: 1, seconds: 1.25, summary: '1 epoch(s)' })
    await reporter.onRunEnd?.({ snapshots: [snapshot('baseline', 0), snapshot('pruned', 0.5)], steps: [], seconds: 2, out: 'out', files: [] })
    expect(text()).toBe(
      [
        'prunekit: mlp (15 params) on tiny (10 train / 5 test), backend cpu',
        '[1/1] train',
        '  epoch 1/1  loss 0.5000',
        '  done in 1.3 s: 1 epoch(s)',
        '',
        'Before pruning - Loss: 0.2500, Accuracy: 0.9000',
        'After pruning - Loss: 0.2500, Accuracy: 0.9000',
        'Model sparsity: 50.00%',
        '',
        'layer    shape   params  nonzero  sparsity',
        '-------  ------  ------  -------  --------  --------------------',
        'dense_1  [4, 3]      12        6    50.00%  ██████████',
        '',
        'Finished in 2.0 s',
        '',
      ].join('\n'),
    )
  })

  it('prints only the summary and table when quiet', async () => {
    const { reporter, text } = capture(true)
    reporter.onRunStart?.(run)
    reporter.onProgress?.({ step: { index: 0, name: 'train', total: 1 }, epoch: 1, epochs: 1, batch: 1, batches: 1, loss: 0.5 })
    await reporter.onRunEnd?.({ snapshots: [snapshot('pruned', 0.5)], steps: [], seconds: 2, out: 'out', files: [] })
    expect(text()).not.toContain('epoch')
    expect(text()).toContain('After pruning - Loss: 0.2500')
  })

  it('says first, when the run was interrupted, where and what the summary covers', async () => {
    const { reporter, text } = capture(true)
    const step = { index: 2, name: 'finetune', total: 3 }
    const steps = [0, 1].map((index) => ({ index, name: 'train', total: 3, seconds: 1 }))
    await reporter.onRunEnd?.({ snapshots: [snapshot('baseline', 0)], steps, seconds: 2, out: 'out', files: [], interrupted: { reason: 'SIGINT', step, message: '' } })
    expect(text()).toMatch(/^\nInterrupted by SIGINT in step 3 of 3 \(finetune\): this report covers the 2 step\(s\) that finished\.\nBefore pruning/)
  })
})

describe('json reporter', () => {
  it('writes report.json with the run and every snapshot, and returns its path', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-json-'))
    const reporter = jsonReporter.create(jsonReporter.options.parse({}), { out, quiet: false })
    reporter.onRunStart?.(run)
    const written = await reporter.onRunEnd?.({ snapshots: [snapshot('baseline', 0)], steps: [], seconds: 1, out, files: [] })
    expect(written).toEqual([join(out, 'report.json')])
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))
    expect(report.run.model.name).toBe('mlp')
    expect(report.snapshots[0].metrics.loss).toBe(0.25)
    expect(readdirSync(out)).toEqual(['report.json'])
    expect(report.interrupted).toBeUndefined()
  })

  it('records where an interrupted run stopped', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-json-'))
    const reporter = jsonReporter.create(jsonReporter.options.parse({}), { out, quiet: false })
    const interrupted = { reason: 'SIGTERM', step: { index: 0, name: 'train', total: 2 }, message: 'Interrupted (SIGTERM) in epoch 2 of 5, after batch 3 of 8.' }
    await reporter.onRunEnd?.({ snapshots: [], steps: [], seconds: 1, out, files: [], interrupted })
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).interrupted).toEqual(interrupted)
  })
})

describe('writeFileAtomic', () => {
  it('replaces a file whole and leaves no temp file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-atomic-'))
    const path = join(dir, 'nested', 'a.txt')
    await writeFileAtomic(path, 'one')
    await writeFileAtomic(path, 'two')
    expect(readFileSync(path, 'utf8')).toBe('two')
    expect(readdirSync(join(dir, 'nested'))).toEqual(['a.txt'])
  })

  it('removes its temp file when the final rename fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-atomic-'))
    mkdirSync(join(dir, 'report.json'))
    writeFileSync(join(dir, 'report.json', 'keep.txt'), 'x')
    await expect(writeFileAtomic(join(dir, 'report.json'), 'new')).rejects.toThrow()
    expect(readdirSync(dir)).toEqual(['report.json'])
    expect(readFileSync(join(dir, 'report.json', 'keep.txt'), 'utf8')).toBe('x')
  })
})

describe('reportersPlugin', () => {
  it('registers console, json, html, png, markdown and csv', () => {
    const registry = createRegistry({ plugins: [reportersPlugin()] })
    expect(registry.reporters.names()).toEqual(['console', 'json', 'html', 'png', 'markdown', 'csv'])
  })
})
