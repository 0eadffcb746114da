import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, repoRoot, tempDir } from './run-cli.js'

const config = (plugin: string) => `plugins: ['${plugin}']\nmodel: { zoo: mlp, units: [8] }\ndata: { dataset: iris }\npipeline:\n  - evaluate: {}\nreporters: []\n`

describe('plugins from config', () => {
  it.each([
    ['throws while loading', "throw new Error('boom')", /\[plugin:\.\/p\.mjs\] could not be loaded from \/.*\/p\.mjs: boom/],
    ['does not exist', null, /\[plugin:\.\/p\.mjs\] could not be loaded from \/.*\/p\.mjs: Cannot find module/],
    ['exports no plugin', 'export const x = 1', /\[plugin:\.\/p\.mjs\] does not export a plugin: export default definePlugin/],
    [
      'registers a duplicate name',
      "export default { name: 'dup', register: (r) => r.strategies.add({ name: 'magnitude', description: 'x', options: null, prune: null }) }",
      /\[plugin:dup\] failed to register \(\.\/p\.mjs\): A strategy named "magnitude" is already registered by @prunekit\/core/,
    ],
  ])('reports a plugin that %s, naming it and its path, with exit code 2', async (_case, source, message) => {
    const dir = tempDir({ 'prunekit.yaml': config('./p.mjs'), ...(source === null ? {} : { 'p.mjs': source }) })
    const result = await cli(['validate', 'prunekit.yaml'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('lists plugin-provided entries with their source', async () => {
    const result = await cli(['list', 'strategies', '--config', join(repoRoot, 'examples/custom-strategy/prunekit.yaml')], repoRoot)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^ {2}magnitude +.*\[@prunekit\/core\]$/m)
    expect(result.stdout).toMatch(/^ {2}random +Random unstructured pruning \(seeded\): the baseline to beat +\[\.\/random-strategy\.mjs\]$/m)
  })
})

describe('examples/custom-strategy', () => {
  it('runs the random strategy beside magnitude on the same trained model', async () => {
    const out = tempDir()
    const result = await cli(['run', join(repoRoot, 'examples/custom-strategy/prunekit.yaml'), '--out', out, '--quiet', '--reporter', 'json'], repoRoot)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { snapshots: Array<{ label: string; metrics: { accuracy: number; sparsity: number } }> }
    const [baseline, random, magnitude] = report.snapshots
    expect(report.snapshots.map((s) => s.label)).toEqual(['baseline', 'random', 'magnitude'])
    expect(random.metrics.sparsity).toBeCloseTo(0.8, 4)
    expect(magnitude.metrics.sparsity).toBeCloseTo(0.8, 4)
    // Magnitude keeps most of the accuracy; random pruning loses most of it.
    expect(magnitude.metrics.accuracy).toBeGreaterThan(baseline.metrics.accuracy - 0.05)
    expect(random.metrics.accuracy).toBeLessThan(magnitude.metrics.accuracy - 0.2)
  })
})
