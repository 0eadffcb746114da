import { spawn } from 'node:child_process'
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { binary, cli, tempDir, type CliResult } from './run-cli.js'

/** A pipeline whose fits last long enough (8 short epochs each) to be interrupted in the middle. */
const config = `
seed: 4
backend: wasm
model: { zoo: mlp, units: [16] }
data: { dataset: mnist, train: 256, test: 100 }
train: { batchSize: 32, learningRate: 0.003 }
pipeline:
  - train: { epochs: 8 }
  - evaluate: { label: baseline }
  - prune: { strategy: magnitude, sparsity: 0.8 }
  - evaluate: { label: pruned }
  - finetune: { epochs: 8 }
  - evaluate: { label: finetuned }
reporters: [console, json, markdown]
out: out
`

/**
 * Runs the binary and sends the first of `signals` when its output first matches `when` (the console
 * prints `[k/n] step` as a step starts and `epoch e/n` as an epoch ends); each further signal goes as
 * soon as the run has acknowledged the one before (its "stopping after the current batch" notice), so
 * the order in which the process sees them is fixed. With `together`, all go at once instead, and the
 * process may see them in any order.
 */
function interrupt(args: string[], cwd: string, when: RegExp, signals: NodeJS.Signals[], together = false): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binary, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } })
    let [stdout, stderr, sent] = ['', '', 0]
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      if (sent > 0 || !when.test(stdout)) return
      child.kill(signals[sent++])
      // Back to back, both reach the run in the middle of a batch, before it can write any report (in
      // either order: node's threads may take them in turn).
      if (together) while (sent < signals.length) child.kill(signals[sent++])
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
      if (sent > 0 && sent < signals.length && /stopping after the current batch/.test(stderr)) child.kill(signals[sent++])
    })
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

const report = (dir: string) => JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8')) as { snapshots: unknown[]; steps: Array<{ name: string }>; interrupted?: { reason: string; step: { index: number; name: string } } }
const tempFiles = (dir: string) => readdirSync(join(dir, 'out'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'))

describe('interrupting and resuming prunekit run', () => {
  const uninterrupted = (async () => {
    const dir = tempDir({ 'prunekit.yaml': config })
    const result = await cli(['run', 'prunekit.yaml'], dir)
    expect(result.code).toBe(0)
    expect(existsSync(join(dir, 'out/run-state.bin'))).toBe(false) // a finished run leaves no state behind
    return report(dir)
  })()

  it.each([
    ['SIGINT', 130, /\[1\/6\] train[\s\S]*epoch 2\/8/, 0, []],
    ['SIGTERM', 143, /\[5\/6\] finetune[\s\S]*epoch 1\/8/, 4, ['train', 'evaluate', 'prune', 'evaluate']],
  ] as const)('%s stops at a batch end (exit %i) with reports of the finished steps marked interrupted; --resume then ends with the uninterrupted numbers', async (signal, code, when, step, finished) => {
    const dir = tempDir({ 'prunekit.yaml': config })
    const stopped = await interrupt(['run', 'prunekit.yaml'], dir, when, [signal])
    expect(stopped.code).toBe(code)
    expect(stopped.stderr).toContain(`${signal}: stopping after the current batch`)
    expect(stopped.stderr).toMatch(new RegExp(`Interrupted \\(${signal}\\) in epoch \\d+ of 8, after batch \\d+ of 8\\. Wrote the reports of the ${finished.length} finished step\\(s\\)\\. Continue it with: prunekit run prunekit.yaml --resume out\\n$`))
    expect(stopped.stdout).toContain(`Interrupted by ${signal} in step ${step + 1} of 6`)
    const partial = report(dir)
    expect(partial.interrupted).toMatchObject({ reason: signal, step: { index: step, name: step ? 'finetune' : 'train' } })
    expect(partial.steps.map((s) => s.name)).toEqual(finished)
    expect(readFileSync(join(dir, 'out/report.md'), 'utf8')).toContain(`> **Interrupted by ${signal} in step ${step + 1} of 6`)
    expect(existsSync(join(dir, 'out/run-state.bin'))).toBe(true)
    expect(tempFiles(dir)).toEqual([])

    const resumed = await cli(['run', 'prunekit.yaml', '--resume', 'out'], dir)
    expect(resumed.stderr).toBe('')
    expect(resumed.code).toBe(0)
    const full = report(dir)
    expect(full.interrupted).toBeUndefined()
    expect(full.snapshots).toEqual((await uninterrupted).snapshots) // every metric, exactly
    expect(existsSync(join(dir, 'out/run-state.bin'))).toBe(false)
  })

  it('a second signal quits at once, leaving no temp file', async () => {
    const dir = tempDir({ 'prunekit.yaml': config })
    // Sent one after the other's acknowledgement, the second could arrive after the reports were
    // written (CI saw it): sent together, both arrive while the batch runs, in either order.
    const stopped = await interrupt(['run', 'prunekit.yaml'], dir, /epoch 1\/8/, ['SIGINT', 'SIGTERM'], true)
    const first = /(SIGINT|SIGTERM): stopping after the current batch/.exec(stopped.stderr)?.[1]
    expect(first).toBeDefined()
    expect(stopped.code).toBe(first === 'SIGINT' ? 143 : 130) // the exit code of the second one
    expect(stopped.stderr).not.toContain('Wrote the reports')
    expect(existsSync(join(dir, 'out/report.json'))).toBe(false)
    expect(tempFiles(dir)).toEqual([])
  })

  const interrupted = (async () => {
    const dir = tempDir({ 'prunekit.yaml': config })
    const stopped = await interrupt(['run', 'prunekit.yaml'], dir, /epoch 2\/8/, ['SIGINT'])
    expect(stopped.code).toBe(130)
    return dir
  })()

  it.each([
    ['a changed config', () => ['run', 'prunekit.yaml', '--resume', 'out', '--seed', '5'], /Cannot resume the run in out: its config differs from the saved run's at seed\. Resume with the same config file and flags/],
    ['no saved state', (d: string) => ['run', 'prunekit.yaml', '--resume', join(d, 'elsewhere')], /Nothing to resume in .*elsewhere: .*run-state\.bin does not exist/],
    ['--out beside --resume', () => ['run', 'prunekit.yaml', '--resume', 'out', '--out', 'x'], /--resume <dir> names the run's out directory: drop --out\./],
  ])('refuses to resume with %s (exit 2)', async (_, args, message) => {
    const dir = await interrupted
    const refused = await cli(args(dir), dir)
    expect(refused.stderr).toMatch(message)
    expect(refused.stderr).not.toMatch(/\n\s+at /)
    expect(refused.code).toBe(2)
  })

  it('refuses a corrupt state file', async () => {
    const dir = tempDir({ 'prunekit.yaml': config })
    cpSync(join(await interrupted, 'out'), join(dir, 'out'), { recursive: true })
    const path = join(dir, 'out/run-state.bin')
    const bytes = readFileSync(path)
    bytes[100] ^= 0xff
    writeFileSync(path, bytes)
    const refused = await cli(['run', 'prunekit.yaml', '--resume', 'out'], dir)
    expect(refused.stderr).toBe(`Error: ${join('out', 'run-state.bin')} is corrupt (its checksum does not match its contents). Start the run again without --resume.\n`)
    expect(refused.code).toBe(2)
  })
})
