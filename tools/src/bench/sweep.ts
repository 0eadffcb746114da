import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { round, type Row, type Suite } from './measure.js'

const run = promisify(execFile)
const cli = fileURLToPath(new URL('../../../apps/cli/bin/prunekit.js', import.meta.url))

/** 8 trials (4 sparsities x 2 seeds) of LeNet-300-100 on 2,000 real MNIST digits: a few seconds each. */
function sweepConfig(share: boolean, seeds = [1, 2]): string {
  return `
model: { zoo: lenet-300-100 }
data: { dataset: mnist, train: 2000, test: 500 }
pipeline:
  - train: { epochs: 2 }
  - prune: { strategy: magnitude, sparsity: 0.5 }
  - finetune: { epochs: 1 }
  - evaluate: { label: finetuned, metrics: [accuracy, loss, sparsity, size, flops] }
reporters: [json]
out: out
sweep:
  values:
    pipeline.1.prune.sparsity: [0.5, 0.8, 0.9, 0.95]
    seed: [${seeds.join(', ')}]
  share: ${share}
`
}

/** Wall seconds of one `prunekit sweep` in a fresh directory, and its sweep.json. */
async function timedSweep(config: string, args: string[] = []): Promise<{ seconds: number; outside: number; report: { prefixes: { secondsSaved: number }; trials: Array<{ metrics: unknown; seconds: number }> } }> {
  const dir = mkdtempSync(join(tmpdir(), 'prunekit-bench-sweep-'))
  writeFileSync(join(dir, 'prunekit.yaml'), config)
  const began = performance.now()
  await run(process.execPath, [cli, 'sweep', 'prunekit.yaml', '--quiet', ...args], { cwd: dir })
  const seconds = (performance.now() - began) / 1000
  const report = JSON.parse(readFileSync(join(dir, 'out/sweep.json'), 'utf8'))
  rmSync(dir, { recursive: true, force: true })
  // Time spent outside the trials' pipelines: start-up, checks, reports, and any transport.
  const outside = seconds - report.trials.reduce((sum: number, t: { seconds: number }) => sum + t.seconds, 0)
  return { seconds, outside, report }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function startProcess(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  await new Promise<void>((resolve) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (ready.test(out)) resolve()
    })
  })
  return child
}

const load = () => loadavg()[0].toFixed(1)

export const sweepSuite: Suite = {
  name: 'sweep',
  description: `8 trials (LeNet-300-100, 2,000 MNIST digits): serial against --workers 2, through BullMQ on a local redis-server, and with shared prefixes against without (${cpus().length} cores)`,
  async run(log) {
    const rows: Row[] = []
    const loadBefore = load()
    const serial = await timedSweep(sweepConfig(false))
    log(`serial: ${serial.seconds.toFixed(1)} s (1-min load ${loadBefore})`)
    const threads = await timedSweep(sweepConfig(false), ['--workers', '2'])
    log(`--workers 2: ${threads.seconds.toFixed(1)} s, ${(serial.seconds / threads.seconds).toFixed(2)}x (load ${load()})`)
    const same = JSON.stringify(threads.report.trials.map((t) => t.metrics)) === JSON.stringify(serial.report.trials.map((t) => t.metrics))
    // Trials' pipeline seconds over wall seconds: about 1 serially, about 2 when two trials run at once, whatever the load.
    const inFlight = (r: typeof serial) => round((r.seconds - r.outside) / r.seconds, 2)
    rows.push({ case: '8 trials, serial', seconds: round(serial.seconds, 1), ratio: 1, trialsInFlight: inFlight(serial), sameResults: true, load1m: loadBefore })
    rows.push({ case: '8 trials, --workers 2', seconds: round(threads.seconds, 1), ratio: round(serial.seconds / threads.seconds, 2), trialsInFlight: inFlight(threads), sameResults: same, load1m: load() })

    const port = await freePort()
    const url = `redis://127.0.0.1:${port}`
    const redis = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/)
    const worker = await startProcess(process.execPath, [cli, 'worker', '--queue', url], /waiting for trials/)
    try {
      await timedSweep(sweepConfig(false, [7]), ['--queue', url]) // warms the worker's trial process (tfjs loaded once)
      const queued = await timedSweep(sweepConfig(false), ['--queue', url])
      // Self-relative, so that the shared machine's load cancels: the queue's time outside pipelines against the serial run's.
      const overhead = ((queued.outside - serial.outside) / 8) * 1000
      const sameQueued = JSON.stringify(queued.report.trials.map((t) => t.metrics)) === JSON.stringify(serial.report.trials.map((t) => t.metrics))
      log(`--queue, one worker: ${queued.seconds.toFixed(1)} s, ${overhead.toFixed(0)} ms per trial outside the pipelines over serial (load ${load()})`)
      rows.push({ case: '8 trials, --queue (one worker process)', seconds: round(queued.seconds, 1), ratio: round(serial.seconds / queued.seconds, 2), overheadMsPerTrial: round(overhead, 0), sameResults: sameQueued, load1m: load() })
    } finally {
      process.kill(-worker.pid!, 'SIGTERM')
      process.kill(-redis.pid!, 'SIGTERM')
    }

    const shared = await timedSweep(sweepConfig(true))
    const sameShared = JSON.stringify(shared.report.trials.map((t) => t.metrics)) === JSON.stringify(serial.report.trials.map((t) => t.metrics))
    log(`shared prefixes: ${shared.seconds.toFixed(1)} s against ${serial.seconds.toFixed(1)} s; sweep.json estimates ${shared.report.prefixes.secondsSaved.toFixed(1)} s saved (load ${load()})`)
    rows.push({ case: '8 trials, serial, shared prefixes (train computed once per seed)', seconds: round(shared.seconds, 1), ratio: round(serial.seconds / shared.seconds, 2), estimatedSecondsSaved: round(shared.report.prefixes.secondsSaved, 1), sameResults: sameShared, load1m: load() })
    return rows
  },
}
