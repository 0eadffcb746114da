import { Queue, QueueEvents } from 'bullmq'
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RedisServer } from './redis-server.js'
import { binary, cli, tempDir } from './run-cli.js'

interface SweepJson {
  executor: string
  trials: Array<{ id: string; values: Record<string, unknown>; metrics: Record<string, number>; reused: boolean; report?: string }>
}

// Four trials of a small MLP on real MNIST digits: long enough that a worker can be killed mid-trial.
const sweepConfig = `
seed: 5
model: { zoo: mlp, units: [32] }
data: { dataset: mnist, train: 800, test: 200 }
train: { batchSize: 32 }
pipeline:
  - train: { epochs: 2 }
  - prune: { strategy: magnitude, sparsity: 0.5 }
  - finetune: { epochs: 1 }
  - evaluate: { label: finetuned, metrics: [accuracy, loss, sparsity, size, flops] }
reporters: [json, html]
out: out
sweep:
  values:
    pipeline.1.prune.sparsity: [0.6, 0.95]
    seed: [5, 6]
`

const readSweep = (dir: string): SweepJson => JSON.parse(readFileSync(join(dir, 'out/sweep.json'), 'utf8')) as SweepJson
const outcomes = (sweep: SweepJson) => sweep.trials.map((t) => ({ id: t.id, values: t.values, metrics: t.metrics }))

/** A `prunekit worker` in a process group of its own (its sandboxed trial processes too), with its output collected. */
function startWorker(url: string, cwd: string): { child: ChildProcess; output: () => string; started: Promise<void> } {
  const child = spawn(process.execPath, [binary, 'worker', '--queue', url, '--lock-ms', '2000'], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const started = new Promise<void>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (/trial t\d+ started/.test(output)) resolve()
    })
  })
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return { child, output: () => output, started }
}

describe('prunekit sweep', () => {
  let serial: SweepJson
  let redis: RedisServer

  beforeAll(async () => {
    const dir = tempDir({ 'prunekit.yaml': sweepConfig })
    const result = await cli(['sweep', 'prunekit.yaml'], dir)
    expect(result.stderr).toMatch(/\[4\/4\] t04 \(pipeline\.1\.prune\.sparsity=0\.95, seed=6\): accuracy/)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Shared prefixes: 2 trials branched from another's state, saving about \d+\.\d s\.$/m) // the closing note
    serial = readSweep(dir)
    redis = await startRedis()
  })
  afterAll(async () => redis?.stop())

  it('runs every trial serially, each a full pipeline with its own report', () => {
    expect(serial.trials.map((t) => [t.id, t.values['pipeline.1.prune.sparsity'], t.values.seed])).toEqual([['t01', 0.6, 5], ['t02', 0.6, 6], ['t03', 0.95, 5], ['t04', 0.95, 6]])
    expect(serial.trials[2].metrics.sparsity).toBeCloseTo(0.95, 3)
    expect(serial.trials[2].report).toBe('trials/t03/report.html')
  })

  it('gives the serial run\'s results on two worker threads', async () => {
    const dir = tempDir({ 'prunekit.yaml': sweepConfig })
    const result = await cli(['sweep', 'prunekit.yaml', '--workers', '2', '--quiet'], dir)
    expect(result.code).toBe(0)
    const threads = readSweep(dir)
    expect(threads.executor).toBe('2 worker threads')
    expect(outcomes(threads)).toEqual(outcomes(serial))
  })

  it('runs each worker thread\'s wasm on the cores left per worker, not the config\'s threads', async () => {
    const config = `threads: 2\nmodel: { zoo: mlp, units: [8] }\ndata: { dataset: mnist, train: 200, test: 100 }\npipeline:\n  - train: { epochs: 1 }\n  - evaluate: { label: trained }\nreporters: [json]\nout: out\nsweep:\n  values:\n    seed: [1, 2]\n`
    const dir = tempDir({ 'prunekit.yaml': config })
    const result = await cli(['sweep', 'prunekit.yaml', '--workers', '2', '--quiet'], dir)
    expect(result.code).toBe(0)
    for (const id of ['t01', 't02']) {
      const report = JSON.parse(readFileSync(join(dir, `out/trials/${id}/report.json`), 'utf8')) as { run: { backend: { threads: number } } }
      expect(report.run.backend.threads).toBe(Math.min(2, Math.floor(availableParallelism() / 2)))
    }
  })

  it('runs trials on BullMQ workers in separate processes: one killed mid-trial loses nothing, and a second run skips finished trials', async () => {
    const dir = tempDir({ 'prunekit.yaml': sweepConfig })
    const [a, b] = [startWorker(redis.url, dir), startWorker(redis.url, dir)]
    try {
      const sweep = cli(['sweep', 'prunekit.yaml', '--queue', redis.url], dir)
      await a.started
      process.kill(-a.child.pid!, 'SIGKILL') // the worker and its trial's process, mid-trial
      const result = await sweep
      expect(result.stderr.match(/Trials enqueued; waiting for workers: prunekit worker --queue (.*)/g)).toEqual([`Trials enqueued; waiting for workers: prunekit worker --queue ${redis.url}`])
      expect(result.stderr.match(/^\[\d\/4\] t0\d \(/gm)).toHaveLength(4) // progress as the results arrive
      expect(result.code).toBe(0)
      const queued = readSweep(dir)
      expect(outcomes(queued)).toEqual(outcomes(serial))
      const killed = /trial (t\d+) started/.exec(a.output())![1]
      expect(b.output()).toContain(`trial ${killed} started`) // retried by the other worker
      expect(readFileSync(join(dir, 'out/trials/t01/report.html'), 'utf8')).toContain('<!doctype html>') // report files came back through Redis

      const again = await cli(['sweep', 'prunekit.yaml', '--queue', redis.url, '--quiet'], dir)
      expect(again.code).toBe(0)
      expect(readSweep(dir).trials.map((t) => t.reused)).toEqual([true, true, true, true])
    } finally {
      for (const w of [a, b]) if (w.child.exitCode === null && w.child.signalCode === null) process.kill(-w.child.pid!, 'SIGTERM')
    }
  })

  it('refuses a trial enqueued by another prunekit version, and says so', async () => {
    const dir = tempDir()
    const worker = startWorker(redis.url, dir)
    const queue = new Queue('prunekit-trials', { connection: { url: redis.url } })
    const events = new QueueEvents('prunekit-trials', { connection: { url: redis.url } })
    try {
      await events.waitUntilReady()
      const job = await queue.add('t01', { id: 't01', key: 'other-version', version: '0.0.1' }, { jobId: 'trial-other-version' })
      await expect(job.waitUntilFinished(events)).rejects.toThrow(/this worker runs prunekit \d+\.\d+\.\d+, but the sweep that enqueued trial t01 runs 0\.0\.1: install the same prunekit version on every machine/)
    } finally {
      await Promise.all([queue.close(), events.close()])
      process.kill(-worker.child.pid!, 'SIGTERM')
    }
  })

  it.each([
    ['http://127.0.0.1:6379', /--queue http:\/\/127\.0\.0\.1:6379 is not a Redis URL: write redis:\/\/host:port/],
    ['redis://127.0.0.1:1', /cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*Is redis-server running/],
  ])('names a bad --queue %s and exits 2', async (url, message) => {
    const dir = tempDir({ 'prunekit.yaml': sweepConfig })
    for (const args of [['sweep', 'prunekit.yaml', '--queue', url], ['worker', '--queue', url]]) {
      const result = await cli(args, dir)
      expect(result.stderr).toMatch(message)
      expect(result.code).toBe(2)
    }
  })

  it('names a swept key the config does not have', async () => {
    const dir = tempDir({ 'prunekit.yaml': sweepConfig.replace('pipeline.1.prune.sparsity:', 'pipeline.1.prune.sparsity: [0.5]\n    pipeline.9.prune.sparsity:') })
    for (const command of ['sweep', 'validate']) {
      const result = await cli([command, 'prunekit.yaml'], dir)
      expect(result.stderr).toMatch(/sweep\.values\.pipeline\.9\.prune\.sparsity: pipeline\.9 does not exist: pipeline is a list of 4/)
      expect(result.code).toBe(2)
    }
  })
})
