import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, repoRoot, tempDir } from './run-cli.js'
import { tinyConfig } from './tiny-config.js'

interface Report {
  snapshots: Array<{ label: string; metrics: { loss: number; accuracy: number; sparsity: number; histograms: { layers: Array<{ name: string; edges: number[]; counts: number[] }> } } }>
}

const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as Report

describe('prunekit run', () => {
  it('trains, prunes, fine-tunes and reports the founding experiment\'s lines and report.json', async () => {
    const dir = tempDir({ 'prunekit.yaml': tinyConfig() })
    const result = await cli(['run', 'prunekit.yaml'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lines = result.stdout.split('\n')
    const summary = lines.filter((l) => /^(Before pruning|After pruning|Model sparsity|After fine-tuning)/.test(l))
    expect(summary).toHaveLength(4)
    expect(summary[0]).toMatch(/^Before pruning - Loss: \d\.\d{4}, Accuracy: \d\.\d{4}$/)
    expect(summary[1]).toMatch(/^After pruning - Loss: \d\.\d{4}, Accuracy: \d\.\d{4}$/)
    expect(summary[2]).toBe('Model sparsity: 80.00%')
    expect(summary[3]).toMatch(/^After fine-tuning - Loss: \d\.\d{4}, Accuracy: \d\.\d{4}$/)
    expect(result.stdout).toMatch(/layer\s+shape\s+params\s+nonzero\s+sparsity/)
    expect(result.stdout).toMatch(/epoch 2\/2\s+loss \d\.\d{4}/)
    expect(result.stdout).toMatch(/^dense_1 .* \d+\.\d\d%  █+[▏▎▍▌▋▊▉]?$/m) // the per-layer sparsity bars
    expect(result.stdout).toContain('Reports:\n  out/report.json\n')

    const report = readReport(dir)
    expect(report.snapshots.map((s) => s.label)).toEqual(['baseline', 'pruned', 'finetuned'])
    expect(report.snapshots[0].metrics.accuracy).toBeGreaterThan(0.7)
    const kernels = 784 * 32 + 32 * 10
    expect(report.snapshots[1].metrics.sparsity).toBe(Math.round(0.8 * kernels) / kernels)
    const [before, pruned, tuned] = report.snapshots.map((s) => s.metrics.histograms.layers)
    expect(pruned.map((l) => l.edges)).toEqual(before.map((l) => l.edges))
    expect(tuned.map((l) => l.edges)).toEqual(before.map((l) => l.edges))
    // Printed numbers are the report's numbers.
    expect(summary[0]).toContain(report.snapshots[0].metrics.loss.toFixed(4))
  })

  it('gives the same numbers for the same seed, run twice', async () => {
    const a = tempDir({ 'prunekit.yaml': tinyConfig() })
    const b = tempDir({ 'prunekit.yaml': tinyConfig() })
    await Promise.all([cli(['run', 'prunekit.yaml', '--quiet'], a), cli(['run', 'prunekit.yaml', '--quiet'], b)])
    expect(readReport(b).snapshots).toEqual(readReport(a).snapshots)
  })

  it('applies --backend, --seed, --out and --quiet', async () => {
    const dir = tempDir({ 'prunekit.yaml': tinyConfig() })
    const result = await cli(['run', 'prunekit.yaml', '--backend', 'cpu', '--seed', '5', '--out', 'elsewhere', '--quiet'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('epoch')
    expect(result.stdout).toContain('Model sparsity: 80.00%')
    expect(existsSync(join(dir, 'elsewhere/report.json'))).toBe(true)
    expect(existsSync(join(dir, 'out'))).toBe(false)
  })
})

/** A config with one wrong name or value per section. */
const badNames = `model: { zoo: lenet-300-10 }
pipeline:
  - train: { epochs: -1 }
  - prune: { strategy: magnitud, sparsity: 0.9 }
  - prune: { sparsity: 0.9, threshold: 0.1 }
  - evaluat: {}
reporters: [consol]
`

describe('bad input', () => {
  it('reports every problem of a bad config at once, with exit code 2 and no stack trace', async () => {
    const dir = tempDir({ 'bad.yaml': `seed: 1.5\nbackend: gpu\n${badNames}` })
    for (const command of ['validate', 'run']) {
      const result = await cli([command, 'bad.yaml'], dir)
      expect(result.code).toBe(2)
      expect(result.stderr).not.toMatch(/\n\s+at /)
      expect(result.stderr).toContain('seed: Invalid input: expected int, received number')
      expect(result.stderr).toContain('backend: Invalid option: expected one of "wasm"|"cpu"')
    }
    // Schema errors come first; once fixed, name errors all come at once.
    const names = tempDir({ 'bad.yaml': badNames })
    const result = await cli(['run', 'bad.yaml'], names)
    expect(result.code).toBe(2)
    // The registry grows as packages add models and steps: check each message, and that its list names the built-ins.
    const lines = result.stderr.split('\n').filter((l) => l.startsWith('  '))
    expect(lines.map((l) => l.replace(/ Known: .*$/, ' Known: ...'))).toEqual([
      '  model.zoo: unknown model "lenet-300-10". Did you mean "lenet-300-100"? Known: ...',
      '  pipeline.0.train.epochs: Too small: expected number to be >=0',
      '  pipeline.1.prune.strategy: unknown strategy "magnitud". Did you mean "magnitude"? Known: ...',
      '  pipeline.2.prune: give sparsity or threshold, not both',
      '  pipeline.3: unknown step "evaluat". Did you mean "evaluate"? Known: ...',
      '  reporters.0: unknown reporter "consol". Did you mean "console"? Known: ...',
    ])
    expect(lines[0]).toContain('Known: mlp, seed-mlp, lenet-300-100, lenet-5')
    expect(lines[2]).toContain('Known: magnitude')
    expect(lines[4]).toContain('Known: train, evaluate, prune, finetune')
    expect(lines[5]).toContain('Known: console, json, html, png, markdown')
    expect(existsSync(join(names, 'out'))).toBe(false)
  })

  it.each([
    ['a YAML syntax error', 'pipeline:\n  - train: { epochs: 1\n', /bad\.yaml.*line \d+, column \d+/s],
    ['a list instead of a mapping', '- train\n- prune\n', /expected a mapping of keys/],
    ['a missing file', null, /cannot read missing\.yaml: file not found/],
  ])('rejects %s with exit code 2', async (_case, text, message) => {
    const dir = tempDir(text === null ? {} : { 'bad.yaml': text })
    const result = await cli(['validate', text === null ? 'missing.yaml' : 'bad.yaml'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it.each([
    [['run', '--backend', 'gpu']],
    [['run', '--seed', 'abc']],
    [['frobnicate']],
  ])('answers bad usage %j with exit code 2', async (args) => {
    const result = await cli(args, tempDir())
    expect(result.code).toBe(2)
  })
})

describe('other commands', () => {
  it('validates the shipped examples, and the quickstart is the embedded default', async () => {
    for (const example of ['quickstart.yaml', 'seed.yaml']) {
      const result = await cli(['validate', join(repoRoot, 'examples', example)], repoRoot)
      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
    }
  })

  it('lists everything in the registry with descriptions and sources', async () => {
    const result = await cli(['list'], tempDir())
    expect(result.code).toBe(0)
    for (const name of ['magnitude', 'mlp', 'seed-mlp', 'lenet-300-100', 'lenet-5', 'mnist', 'synthetic', 'iris', 'sparsity', 'histograms', 'console', 'json', 'html', 'png', 'markdown', 'train', 'finetune']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S.*\\[@prunekit/`, 'm'))
    }
    const strategies = await cli(['list', 'strategies'], tempDir())
    expect(strategies.stdout).toMatch(/^ {2}magnitude +.*\[@prunekit\/core\]$/m)
    expect(strategies.stdout).toMatch(/^ {2}l1-units +.*\[@prunekit\/strategy-structured\]$/m)
    expect(strategies.stdout).not.toContain('steps:')
  })

  it('writes a starter config that validates and runs, and refuses to overwrite it', async () => {
    const dir = tempDir()
    expect((await cli(['init'], dir)).code).toBe(0)
    const text = readFileSync(join(dir, 'prunekit.yaml'), 'utf8')
    expect(text).toContain('# ')
    expect((await cli(['validate', 'prunekit.yaml'], dir)).code).toBe(0)
    const again = await cli(['init'], dir)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('already exists. Pass --force')
    expect((await cli(['init', '--force'], dir)).code).toBe(0)
    expect(readdirSync(dir)).toEqual(['prunekit.yaml'])
  })

  it('prints the JSON Schema with every step, strategy and model', async () => {
    const result = await cli(['schema'], tempDir())
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown> }
    const text = JSON.stringify(schema)
    for (const name of ['"train"', '"finetune"', '"magnitude"', '"lenet-300-100"', '"mnist"', '"console"']) expect(text).toContain(name)
    expect(Object.keys(schema.properties)).toEqual(['$schema', 'seed', 'backend', 'threads', 'plugins', 'model', 'data', 'train', 'pipeline', 'reporters', 'out', 'sweep'])
  })
})
