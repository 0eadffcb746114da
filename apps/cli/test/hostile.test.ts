import { spawn, execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import * as tf from '@tensorflow/tfjs-core'
import { main } from '../src/main.js'
import { cli, tempDir, type CliResult } from './run-cli.js'

/** The CLI in this process (fast, and its tensors countable): config paths are absolute, so the working directory does not matter. */
async function run(args: string[], dir: string): Promise<CliResult> {
  const stdout: string[] = []
  const stderr: string[] = []
  const resolved = args.map((a) => (/\.(yaml|json)$/.test(a) ? join(dir, a) : a))
  const before = tf.engine().backendName ? tf.memory().numTensors : 0
  const code = await main(['node', 'prunekit', ...resolved], { log: (l) => stdout.push(`${l}\n`), error: (l) => stderr.push(`${l}\n`) })
  if (tf.engine().backendName) expect(tf.memory().numTensors, 'tensors left behind').toBe(before)
  return { code, stdout: stdout.join(''), stderr: stderr.join('') }
}

/** A run of a few seconds: a 4-unit MLP on 100 real MNIST digits; `steps` and `extra` add to it. */
const config = ({ steps = '', extra = '', reporters = '[json]', out = 'out' } = {}) => `
seed: 3
model: { zoo: mlp, units: [4] }
data: { dataset: mnist, train: 100, test: 50 }
pipeline:
  - evaluate: { label: baseline }
${steps}reporters: ${reporters}
out: ${out}
${extra}`

/** Every file under `dir`, relative to it. */
const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => f.split('\\').join('/'))

/** What every hostile case must show: the exit code, a message, no stack trace, no temp file left. */
function expectRefused(result: CliResult, code: number, message: RegExp, dir: string): void {
  expect(result.code, result.stderr).toBe(code)
  expect(result.stderr).toMatch(message)
  expect(result.stderr).not.toMatch(/^\s+at /m)
  expect(files(dir).filter((f) => /\.tmp(\.old)?$|\.tmp\//.test(f) || f.includes('.prunekit-probe'))).toEqual([])
}

/** A saved 784 -> 10 Dense model in `dir/model`, written by the CLI itself, and a secret beside it. */
async function savedModel(dir: string): Promise<string> {
  writeFileSync(join(dir, 'make.yaml'), config({ steps: '  - export: { dir: model, evaluate: false }\n', reporters: '[]', out: 'made' }).replace('units: [4]', 'units: []'))
  const made = await run(['run', 'make.yaml', '--quiet'], dir)
  expect(made.code, made.stderr).toBe(0)
  writeFileSync(join(dir, 'secret.txt'), 'S'.repeat(31400))
  return join(dir, 'made', 'model')
}

const root = process.getuid?.() === 0
let mounts: string[] = []
/** A tmpfs of `size` (root only): the real thing for a full or read-only disk. */
function tmpfs(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' })
    mounts.push(dir)
    return true
  } catch {
    return false
  }
}
afterAll(() => {
  for (const dir of mounts) execFileSync('umount', [dir])
  mounts = []
})

describe('hostile configs', () => {
  it.each<[string, string, string[], RegExp]>([
    ['an empty file', '', ['run', 'p.yaml'], /p\.yaml \(1 problem\):\n {2}\(root\): the file is empty\. Write a config \(`prunekit init` writes a commented starter\)/],
    ['a YAML alias bomb', ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(',')}]`)].join('\n'), ['run', 'p.yaml'], /\(root\): cannot be read as YAML: Excessive alias count .* Write each value out/],
    ['a seed above 2^32', config({ extra: '' }).replace('seed: 3', 'seed: 4294967296'), ['validate', 'p.yaml'], /seed: Too big: expected number to be <=4294967295/],
    ['a bad include regex', config({ steps: "  - prune: { strategy: magnitude, sparsity: 0.5, include: ['/dense[/'] }\n" }), ['validate', 'p.yaml'], /pipeline\.1\.prune\.include\.0: \/dense\[\/ is not a valid regular expression .* Fix the pattern/],
    [
      'four problems of two phases',
      config({ steps: '  - prune: { strategy: magnitude, sparsity: 2 }\n', reporters: '[json, jsno]' }).replace('seed: 3', 'seed: -1').replace('dataset: mnist', 'dataset: mnistt'),
      ['validate', 'p.yaml'],
      /\(4 problems\):\n {2}seed: .*\n {2}data\.dataset: unknown dataset "mnistt"\. Did you mean "mnist"\?.*\n {2}pipeline\.1\.prune\.sparsity: .*\n {2}reporters\.1: unknown reporter "jsno"/,
    ],
  ])('refuses %s as a config error (exit 2)', async (_name, text, args, message) => {
    const dir = tempDir({ 'p.yaml': text })
    expectRefused(await run(args, dir), 2, message, dir)
  })

  it('refuses --seed above 2^32 - 1', async () => {
    const dir = tempDir()
    const written: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0) // commander writes there itself
    const result = await run(['run', '--seed', '4294967296'], dir).finally(() => spy.mockRestore())
    expectRefused({ ...result, stderr: written.join('') }, 2, /the seed must be a whole number from 0 to 4294967295/, dir)
  })

  it('checks include and override layer names against the built model before any step runs, all at once', async () => {
    const dir = tempDir({ 'p.yaml': config({ steps: '  - prune: { strategy: magnitude, sparsity: 0.5, include: [dense_9], overrides: { outptu: { sparsity: 0.1 } } }\n' }) })
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 2, /\(2 problems\):\n {2}pipeline\.1\.prune\.include\.0: dense_9 matches no layer of the model\. Its layers: dense_1, output\.\n {2}pipeline\.1\.prune\.overrides\.outptu: outptu matches no layer/, dir)
    expect(result.stdout).not.toMatch(/baseline/)
    expect(existsSync(join(dir, 'out', 'report.json'))).toBe(false)
  })

  it('refuses units: [2000000] before allocating, naming the model and the memory', async () => {
    const dir = tempDir({ 'p.yaml': config().replace('units: [4]', 'units: [2000000]') })
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 2, /model: mlp has 1,590,000,010 parameters: training it needs about 23\.7 GiB .* more than the \d+\.\d GiB available\. Use a smaller model/, dir)
    expect(result.stdout).toBe('')
  })

  it('refuses a convolutional zoo model too big to train before allocating (vgg-mini stages: [[60000, 60000]])', async () => {
    const dir = tempDir({ 'p.yaml': config().replace('model: { zoo: mlp, units: [4] }', 'model: { zoo: vgg-mini, stages: [[60000, 60000]] }') })
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 2, /model: vgg-mini has [\d,]+ parameters: training it needs about [\d.]+ GiB .* more than the \d+\.\d GiB available/, dir)
    expect(result.stdout).toBe('')
  })

  it('blames a failing reporter, not the step it ran in', async () => {
    const plugin = "export default { name: 'boom', register: (r) => r.reporters.add({ name: 'boom', description: 'throws', options: { safeParse: (v) => ({ success: true, data: v }) }, create: () => ({ onSnapshot() { throw new Error('disk on fire') } }) }) }"
    const dir = tempDir({ 'p.yaml': `${config({ reporters: '[json, boom]' })}plugins: ['./boom.mjs']\n`, 'boom.mjs': plugin })
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 1, /Run failed: Reporter "boom" failed \(in onSnapshot\): disk on fire/, dir)
    expect(result.stderr).not.toMatch(/Step 1/)
  })
})

describe('hostile out directories', () => {
  it.each<[string, (dir: string) => string, RegExp]>([
    ['a file', (dir) => (writeFileSync(join(dir, 'taken'), 'x'), 'taken'), /out: .*\/taken is a file \(or inside one\), not a directory\. Give a directory path for out/],
    ['a path under a file', (dir) => (writeFileSync(join(dir, 'taken'), 'x'), 'taken/sub'), /out: .*\/taken\/sub is a file \(or inside one\), not a directory/],
    ['/dev/full', () => '/dev/full', /out: \/dev\/full is a file \(or inside one\), not a directory/],
  ])('refuses out: %s before any work (exit 2)', async (_name, out, message) => {
    const dir = tempDir()
    writeFileSync(join(dir, 'p.yaml'), config({ out: out(dir) }))
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 2, message, dir)
    expect(result.stdout).toBe('')
  })

  it('refuses a read-only out directory, naming it, before any work', async () => {
    const dir = tempDir()
    const ro = join(dir, 'ro')
    if (!(root ? tmpfs(ro, 'ro,size=64k') : (mkdirSync(ro), chmodSync(ro, 0o555), true))) return
    writeFileSync(join(dir, 'p.yaml'), config({ out: 'ro' }))
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 2, /Cannot write .*\/ro: (the file system is read-only\. Choose a writable out directory \(EROFS\)|permission denied\. Make it writable, or choose another out directory \(EACCES\))/, dir)
    expect(result.stdout).toBe('')
  })

  it.runIf(root)('reports a full disk naming the file, with exit 1 and no temp file left', async () => {
    const dir = tempDir()
    const full = join(dir, 'full')
    if (!tmpfs(full, 'size=64k')) return
    writeFileSync(join(dir, 'p.yaml'), config({ out: 'full' }))
    writeFileSync(join(full, 'filler'), Buffer.alloc(60 << 10)) // one page left, which the lock takes: report.json finds none
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 1, /Run failed: Reporter "json" failed \(in onRunEnd\): Cannot write .*full\/report\.json: no space is left on the device\. Free some space, or choose another out directory \(ENOSPC\)/, dir)
    expect(readdirSync(full)).toEqual(['filler'])
  })

  it('creates a missing out relative to the config file, not the working directory', async () => {
    const dir = tempDir({ 'p.yaml': config({ out: 'runs/a' }) })
    mkdirSync(join(dir, 'elsewhere'))
    const result = await cli(['run', '../p.yaml'], join(dir, 'elsewhere'))
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain(`  ${join(dir, 'runs/a/report.json')}\n`)
    expect(readdirSync(join(dir, 'runs/a')).sort()).toEqual(['.prunekit-outputs.json', 'report.json'])
    expect(existsSync(join(dir, 'elsewhere', 'runs'))).toBe(false)
  })

  it('refuses a second run into an out/ a live run holds, and takes over a dead one\'s lock', async () => {
    const dir = tempDir({ 'p.yaml': config() })
    mkdirSync(join(dir, 'out'))
    const live = spawn('sleep', ['30'])
    try {
      writeFileSync(join(dir, 'out', '.prunekit.lock'), JSON.stringify({ pid: live.pid, started: '2026-11-29T07:00:00.000Z' }))
      expectRefused(await run(['run', 'p.yaml'], dir), 2, new RegExp(`out: .*/out is in use by another prunekit run \\(pid ${live.pid}, started 2026-11-29T07:00:00.000Z\\)\\. Wait for it to finish, or give this run another out directory`), dir)
    } finally {
      live.kill()
    }
    await new Promise((done) => live.once('exit', done))
    const stale = await run(['run', 'p.yaml', '--quiet'], dir)
    expect(stale.code, stale.stderr).toBe(0)
    expect(existsSync(join(dir, 'out', '.prunekit.lock'))).toBe(false)
  })

  it('removes the previous run\'s reports and exports at start, so none passes as this run\'s', async () => {
    const dir = tempDir({ 'p.yaml': config({ steps: '  - export: { dir: model, evaluate: false }\n', reporters: '[json, markdown]' }) })
    expect((await run(['run', 'p.yaml', '--quiet'], dir)).code).toBe(0)
    expect(files(join(dir, 'out')).sort()).toEqual(['.prunekit-outputs.json', 'model', 'model/model.json', 'model/weights.bin', 'report.json', 'report.md'])
    writeFileSync(join(dir, 'out', 'mine.txt'), 'a user file stays')
    writeFileSync(join(dir, 'p.yaml'), config({ steps: "  - prune: { strategy: magnitude, sparsity: 0.5, include: ['nothing'] }\n" }))
    expectRefused(await run(['run', 'p.yaml'], dir), 2, /include\.0: nothing matches no layer/, dir)
    expect(files(join(dir, 'out')).sort()).toEqual(['mine.txt'])
  })
})

describe('hostile model files through the CLI', () => {
  let made = ''
  beforeAll(async () => {
    made = await savedModel(tempDir())
  })

  it('refuses a shard that points at a secret outside the model, and exports nothing', async () => {
    const json = JSON.parse(readFileSync(join(made, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> }
    json.weightsManifest[0].paths = ['../../secret.txt']
    const dir = tempDir({ 'model.json': JSON.stringify(json) })
    writeFileSync(join(dir, 'p.yaml'), config({ steps: '  - export: { dir: stolen, evaluate: false }\n' }).replace('{ zoo: mlp, units: [4] }', '{ path: model.json }'))
    const result = await run(['run', 'p.yaml'], dir)
    expectRefused(result, 2, /model\.json lists the weight shard \.\.\/\.\.\/secret\.txt, which resolves to .*, outside the model directory .* Shards must be files in the model's directory/, dir)
    expect(existsSync(join(dir, 'out', 'stolen'))).toBe(false)
  })

  it('refuses a shard symlinked to /dev/zero at once', async () => {
    const json = JSON.parse(readFileSync(join(made, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> }
    json.weightsManifest[0].paths = ['zero.bin']
    const dir = tempDir({ 'model.json': JSON.stringify(json) })
    execFileSync('ln', ['-s', '/dev/zero', join(dir, 'zero.bin')])
    const result = await run(['compress', 'model.json', '--sparsity', '0.5'], dir)
    expectRefused(result, 2, /zero\.bin, which resolves to \/dev\/zero, outside the model directory/, dir)
  })
})
