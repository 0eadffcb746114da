import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cli, tempDir } from './run-cli.js'
import { cliInTerminal, screen } from './terminal.js'
import { tinyConfig } from './tiny-config.js'

/** The tiny pipeline with training only: enough for progress lines, quick to run. */
const trainOnly = `seed: 3
model: { zoo: mlp, units: [16] }
data: { dataset: mnist, train: 300, test: 100 }
train: { batchSize: 50 }
pipeline:
  - train: { epochs: 2 }
  - evaluate: { label: baseline }
reporters: [console]
out: out
`

describe('run without a file', () => {
  it('uses ./prunekit.yaml when it exists, and says so', async () => {
    const dir = tempDir({ 'prunekit.yaml': tinyConfig() })
    const result = await cli(['run', '--quiet', '--reporter', 'json'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('Using ./prunekit.yaml')
    expect(existsSync(join(dir, 'out/report.json'))).toBe(true)
  })

  it('says it runs the embedded quickstart when there is none', async () => {
    // An unknown reporter stops the quickstart at validation, after the message.
    const result = await cli(['run', '--reporter', 'nope'], tempDir())
    expect(result.stdout).toContain('No ./prunekit.yaml here: running the embedded quickstart')
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('reporters.0: unknown reporter "nope"')
  })
})

describe('flags', () => {
  it.each([
    [['run', '--reporter', 'json', 'my.yaml', '--quiet']],
    [['run', '--reporter', 'console,json', 'my.yaml', '--quiet']],
    [['run', '--reporter', 'console', '--reporter', 'json', 'my.yaml', '--quiet']],
  ])('never swallow the config path: %j', async (args) => {
    const dir = tempDir({ 'my.yaml': tinyConfig({ reporters: '[html]' }) })
    const result = await cli(args, dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain('Using ./prunekit.yaml')
    expect(existsSync(join(dir, 'out/report.json'))).toBe(true)
    expect(existsSync(join(dir, 'out/report.html'))).toBe(false)
  })

  it('run --help lists the exit codes and --debug', async () => {
    const result = await cli(['run', '--help'], tempDir())
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/--debug/)
    expect(result.stdout).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*bad config/)
  })
})

describe('first-party plugins that are installed', () => {
  it('are listed and usable without naming them, and naming them too is no clash', async () => {
    const list = await cli(['list'], tempDir())
    expect(list.stdout).toMatch(/^ {2}l1-units +.*\[@prunekit\/strategy-structured\]$/m)
    expect(list.stdout).toMatch(/^ {2}iterate +.*\[@prunekit\/strategy-iterative\]$/m)
    expect((await cli(['list', 'schedules'], tempDir())).stdout).toMatch(/^ {2}polynomial /m)
    const pipeline = 'model: { zoo: mlp, units: [8] }\ndata: { dataset: iris }\npipeline:\n  - prune: { strategy: l1-units, ratio: 0.5 }\n'
    for (const plugins of ['', "plugins: ['@prunekit/strategy-structured']\n"]) {
      const result = await cli(['validate', 'p.yaml'], tempDir({ 'p.yaml': plugins + pipeline }))
      expect(result.stderr).toBe('')
      expect(result.stdout).toContain('p.yaml is valid')
    }
  })
})

describe('init', () => {
  it.each([
    ['prunekit.yaml', false],
    ['sub/x.yaml', false],
    ['sub/deeper/x.yaml', true],
  ])('writes %s with a $schema path that resolves from where it is written (node_modules/prunekit: %s)', async (file, installed) => {
    const dir = tempDir()
    if (installed) {
      mkdirSync(join(dir, 'node_modules/prunekit'), { recursive: true })
      writeFileSync(join(dir, 'node_modules/prunekit/schema.json'), '{}')
    }
    mkdirSync(join(dir, dirname(file)), { recursive: true })
    expect((await cli(['init', file], dir)).code).toBe(0)
    const schema = /^\$schema: (\S+)$/m.exec(readFileSync(join(dir, file), 'utf8'))![1]
    const target = resolve(dir, dirname(file), schema)
    expect(existsSync(target)).toBe(true)
    if (installed) expect(schema).toBe('../../node_modules/prunekit/schema.json')
    else expect(JSON.parse(readFileSync(target, 'utf8')).properties.pipeline).toBeDefined()
  })
})

describe('--debug', () => {
  const zod = pathToFileURL(createRequire(import.meta.url).resolve('zod')).href
  const plugin = `import { z } from '${zod}'
function explode() { throw new Error('kaboom inside the plugin') }
export default { name: 'boom', register: (r) => r.steps.add({ name: 'boom', description: 'throws', options: z.object({}), run: async () => explode() }) }
`
  const config = "plugins: ['./boom.mjs']\nmodel: { zoo: mlp, units: [4] }\ndata: { dataset: iris }\npipeline:\n  - boom: {}\nreporters: []\n"

  it('prints the cause chain down to the plugin\'s own frame, and without it no stack', async () => {
    const dir = tempDir({ 'boom.mjs': plugin, 'p.yaml': config })
    const plain = await cli(['run', 'p.yaml'], dir)
    expect(plain.code).toBe(1)
    expect(plain.stderr).toContain('Step 1 (boom) failed: kaboom inside the plugin')
    expect(plain.stderr).not.toMatch(/\n\s+at /)
    const debug = await cli(['run', 'p.yaml', '--debug'], dir)
    expect(debug.code).toBe(1)
    expect(debug.stderr).toMatch(/Caused by: Error: kaboom inside the plugin\n\s+at explode \(file:\/\/.*\/boom\.mjs:2:\d+\)/)
  })
})

describe('in a terminal', () => {
  it('keeps each epoch\'s line visible above the progress bar', async () => {
    const result = await cliInTerminal(['run', 'p.yaml'], tempDir({ 'p.yaml': trainOnly }))
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('\x1b[') // it did draw a bar
    const shown = screen(result.stdout)
    expect(shown.filter((l) => /^ {2}epoch \d\/2 {2}loss \d\.\d{4}$/.test(l))).toHaveLength(2)
    expect(shown.some((l) => l.includes('batch'))).toBe(false) // the bar itself is cleared
  })

  it.each([
    ['TERM=dumb', { TERM: 'dumb' }, /\x1b/],
    ['NO_COLOR', { NO_COLOR: '1' }, /\x1b\[[\d;]*m/],
  ])('honours %s: no escape codes of that kind, epoch lines still printed', async (_case, env, codes) => {
    const result = await cliInTerminal(['run', 'p.yaml'], tempDir({ 'p.yaml': trainOnly }), env)
    expect(result.code).toBe(0)
    expect(result.stdout).not.toMatch(codes)
    expect(result.stdout).toMatch(/ {2}epoch 2\/2 {2}loss \d\.\d{4}/)
  })
})
