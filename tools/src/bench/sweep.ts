import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { median, round, type Row, type Suite } from './measure.js'

const run = promisify(execFile)
const cli = fileURLToPath(new URL('../../../apps/cli/bin/prunekit.js', import.meta.url))

/**
 * 8 trials (4 sparsities x 2 seeds) of a real sweep: the quickstart's LeNet-300-100 on 8,000 MNIST
 * digits, 5 epochs of training and a 2-epoch fine-tune, evaluated on 2,000: a few seconds each on an idle core.
 */
function sweepConfig(share: boolean, seeds = [1, 2], sparsities = [0.5, 0.8, 0.9, 0.95]): string {
  return `
model: { zoo: lenet-300-100 }
data: { dataset: mnist, train: 8000, test: 2000 }
pipeline:
  - train: { epochs: 5 }
  - prune: { strategy: magnitude, sparsity: 0.5 }
  - finetune: { epochs: 2 }
  - evaluate: { label: finetuned, metrics: [accuracy, loss, sparsity, size, flops] }
reporters: [json]
out: out
sweep:
  values:
    pipeline.1.prune.sparsity: [${sparsities.join(', ')}]
    seed: [${seeds.join(', ')}]
  share: ${share}
`
}

/** Wall seconds of one `prunekit sweep` in a fresh directory, and its sweep.json. */
/** User and system CPU seconds of this process's finished children (/proc/self/stat cutime + cstime, at 100 ticks a second). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  return (Number(fields[13]) + Number(fields[14])) / 100
}

interface Timed {
  seconds: number
  /** Wall seconds outside the trials' pipelines, when trials run one at a time. */
  outside: number
  /** Pipeline seconds of the slowest first trial over the median trial: the warm-up a thread or process pays once (data, JIT). */
  warmup: number
  /** CPU seconds the sweep's process used (all its threads and child processes): the work, whatever the machine's load. */
  cpu: number
  /** With `again`: wall seconds of the same sweep run again, every trial finished: the sweep process's own cost (start-up, checks, reports). */
  again?: number
  report: { prefixes: { secondsSaved: number }; trials: Array<{ metrics: unknown; seconds: number }> }
}

async function timedSweep(config: string, args: string[] = [], { firstTrials = 1, again = false } = {}): Promise<Timed> {
  const dir = mkdtempSync(join(tmpdir(), 'prunekit-bench-sweep-'))
  writeFileSync(join(dir, 'prunekit.yaml'), config)
  const sweep = async () => {
    const began = performance.now()
    await run(process.execPath, [cli, 'sweep', 'prunekit.yaml', '--quiet', ...args], { cwd: dir })
    return (performance.now() - began) / 1000
  }
  const cpuBefore = childCpuSeconds()
  const seconds = await sweep()
  const cpu = childCpuSeconds() - cpuBefore
  const report = JSON.parse(readFileSync(join(dir, 'out/sweep.json'), 'utf8'))
  const againSeconds = again ? await sweep() : undefined
  rmSync(dir, { recursive: true, force: true })
  // Time spent outside the trials' pipelines: start-up, checks, reports, and any transport.
  const trialSeconds: number[] = report.trials.map((t: { seconds: number }) => t.seconds)
  const outside = seconds - trialSeconds.reduce((sum, t) => sum + t, 0)
  const warmup = Math.max(...trialSeconds.slice(0, firstTrials)) - median(trialSeconds)
  return { seconds, outside, warmup, cpu, again: againSeconds, report }
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

const sameMetrics = (a: Timed, b: Timed) => JSON.stringify(a.report.trials.map((t) => t.metrics)) === JSON.stringify(b.report.trials.map((t) => t.metrics))

export const sweepSuite: Suite = {
  name: 'sweep',
  description: `8 trials (LeNet-300-100, 8,000 MNIST digits, 5 epochs + a 2-epoch fine-tune): serial against --workers 2, through BullMQ on a local redis-server, and with shared prefixes against without (${cpus().length} cores)`,
  async run(log) {
    const rows: Row[] = []
    const loadBefore = load()
    const serial = await timedSweep(sweepConfig(false))
    const loadSerial = load()
    const threads = await timedSweep(sweepConfig(false), ['--workers', '2'], { firstTrials: 2 })
    const loadThreads = load()
    const speedup = serial.seconds / threads.seconds
    log(`serial ${serial.seconds.toFixed(1)} s, --workers 2 ${threads.seconds.toFixed(1)} s: ${speedup.toFixed(2)}x (1-min load ${loadBefore} before, ${loadSerial}, ${loadThreads} after)`)
    log(`  CPU: ${serial.cpu.toFixed(1)} s serially, ${threads.cpu.toFixed(1)} s on 2 threads; warm-up inside the first trial (data, JIT): ${serial.warmup.toFixed(1)} s serially, ${threads.warmup.toFixed(1)} s per thread; outside the pipelines: ${serial.outside.toFixed(1)} s serially`)
    // Trials' pipeline seconds over wall seconds: about 1 serially, about 2 when two trials run at once, whatever the load.
    const inFlight = (r: Timed) => round((r.seconds - r.outside) / r.seconds, 2)
    rows.push({ case: '8 trials, serial', seconds: round(serial.seconds, 1), ratio: 1, trialsInFlight: inFlight(serial), cpuSeconds: round(serial.cpu, 1), warmupSeconds: round(serial.warmup, 1), sameResults: true, load1m: loadSerial })
    rows.push({ case: '8 trials, --workers 2', seconds: round(threads.seconds, 1), ratio: round(speedup, 2), trialsInFlight: inFlight(threads), cpuSeconds: round(threads.cpu, 1), warmupSeconds: round(threads.warmup, 1), sameResults: sameMetrics(threads, serial), load1m: loadThreads })

    const port = await freePort()
    const url = `redis://127.0.0.1:${port}`
    const redis = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/)
    const worker = await startProcess(process.execPath, [cli, 'worker', '--queue', url], /waiting for trials/)
    try {
      await timedSweep(sweepConfig(false, [7], [0.5]), ['--queue', url]) // one trial warms the worker's trial process (tfjs, data, JIT)
      const queued = await timedSweep(sweepConfig(false), ['--queue', url], { again: true })
      // Measured within the queued run, so that the machine's load cancels: its time outside the pipelines, less the
      // same sweep's own cost (run again at once, every trial finished), is what the queue adds, per trial.
      const overhead = ((queued.outside - queued.again!) / 8) * 1000
      log(`--queue, one worker: ${queued.seconds.toFixed(1)} s, ${overhead.toFixed(0)} ms per trial outside the pipelines (${queued.outside.toFixed(1)} s outside them, less ${queued.again!.toFixed(1)} s for the sweep run again with every trial finished; load ${load()})`)
      rows.push({ case: '8 trials, --queue (one worker process)', seconds: round(queued.seconds, 1), ratio: round(serial.seconds / queued.seconds, 2), overheadMsPerTrial: round(overhead, 0), sameResults: sameMetrics(queued, serial), load1m: load() })
    } finally {
      process.kill(-worker.pid!, 'SIGTERM')
      process.kill(-redis.pid!, 'SIGTERM')
    }

    const shared = await timedSweep(sweepConfig(true))
    log(`shared prefixes: ${shared.seconds.toFixed(1)} s against ${serial.seconds.toFixed(1)} s (${(serial.seconds - shared.seconds).toFixed(1)} s saved); sweep.json estimates ${shared.report.prefixes.secondsSaved.toFixed(1)} s (load ${load()})`)
    rows.push({ case: '8 trials, serial, shared prefixes (train computed once per seed)', seconds: round(shared.seconds, 1), ratio: round(serial.seconds / shared.seconds, 2), secondsSaved: round(serial.seconds - shared.seconds, 1), estimatedSecondsSaved: round(shared.report.prefixes.secondsSaved, 1), sameResults: sameMetrics(shared, serial), load1m: load() })
    return rows
  },
}
