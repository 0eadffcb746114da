import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
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
  report: { prefixes: { secondsSaved: number }; trials: Array<{ id: string; key: string; metrics: unknown; seconds: number }> }
  /** With `queue`: where each trial's time went between the sweep, Redis and the worker. */
  queue?: QueueTimings
}

/** Milliseconds per trial through the queue (one worker, one trial at a time), from BullMQ's job timestamps in Redis and each trial.json's write time. */
interface QueueTimings {
  /** Enqueued to picked up, for the first trial: paid once per sweep. */
  firstPickup: number
  /** A trial's result stored to the next trial's pickup: the worker's idle time between trials. */
  gap: number
  /** The worker's time on a trial beyond its pipeline's `seconds`: the child round trip and the result into Redis, and the pipeline's own report writing and clean-up, which a serial run pays as well. */
  worker: number
  /** Result stored in Redis to trial.json written by the sweep: off the critical path, but for the last trial. */
  collect: number
}

const mean = (values: number[]) => (values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : 0)

async function queueTimings(url: string, dir: string, trials: Timed['report']['trials']): Promise<QueueTimings> {
  const jobs = await Promise.all(
    trials.map(async (trial) => {
      const { stdout } = await run('redis-cli', ['-u', url, 'hmget', `bull:prunekit-trials:trial-${trial.key}`, 'timestamp', 'processedOn', 'finishedOn'])
      const [enqueued, picked, finished] = stdout.trim().split('\n').map(Number)
      return { enqueued, picked, finished, pipeline: trial.seconds * 1000, collected: statSync(join(dir, 'out', 'trials', trial.id, 'trial.json')).mtimeMs }
    }),
  )
  jobs.sort((a, b) => a.picked - b.picked)
  return {
    firstPickup: jobs[0].picked - Math.min(...jobs.map((j) => j.enqueued)),
    gap: mean(jobs.slice(1).map((j, i) => j.picked - jobs[i].finished)),
    worker: mean(jobs.map((j) => j.finished - j.picked - j.pipeline)),
    collect: mean(jobs.map((j) => j.collected - j.finished)),
  }
}

async function timedSweep(config: string, args: string[] = [], { firstTrials = 1, again = false, queue = '' } = {}): Promise<Timed> {
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
  const timings = queue ? await queueTimings(queue, dir, report.trials) : undefined
  const againSeconds = again ? await sweep() : undefined
  rmSync(dir, { recursive: true, force: true })
  // Time spent outside the trials' pipelines: start-up, checks, reports, and any transport.
  const trialSeconds: number[] = report.trials.map((t: { seconds: number }) => t.seconds)
  const outside = seconds - trialSeconds.reduce((sum, t) => sum + t, 0)
  const warmup = Math.max(...trialSeconds.slice(0, firstTrials)) - median(trialSeconds)
  return { seconds, outside, warmup, cpu, again: againSeconds, report, queue: timings }
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
    const workerBegan = performance.now()
    const worker = await startProcess(process.execPath, [cli, 'worker', '--queue', url], /waiting for trials/)
    // The worker says it waits once its trial process is up (tfjs, backend, registry): a cost per worker, not per trial.
    const workerStart = (performance.now() - workerBegan) / 1000
    try {
      // One trial first, so that the worker's trial process has loaded the data and JIT-compiled (a serial run's first trial pays that too).
      const first = await timedSweep(sweepConfig(false, [7], [0.5]), ['--queue', url], { queue: url })
      const queued = await timedSweep(sweepConfig(false), ['--queue', url], { again: true, queue: url })
      const q = queued.queue!
      // The queue's own cost per trial, on the critical path of one worker: the idle gap between trials and the worker's time beyond the pipeline.
      const perTrial = q.gap + q.worker
      // The older, coarser figure: time outside the pipelines, less the same sweep run again with every trial finished (noisy: two whole CLI runs).
      const outsideMs = ((queued.outside - queued.again!) / 8) * 1000
      log(`--queue, one worker: ${queued.seconds.toFixed(1)} s; per trial at most ${perTrial.toFixed(0)} ms (${q.gap.toFixed(0)} ms idle between trials, ${q.worker.toFixed(0)} ms in the worker beyond the pipeline's seconds, report writing included), collection ${q.collect.toFixed(0)} ms after each result (overlapping the next trial); fixed: ${q.firstPickup.toFixed(0)} ms to the first pickup, ${workerStart.toFixed(1)} s to start the worker and its trial process (imports, backend), ${first.queue!.worker.toFixed(0)} ms beyond the pipeline in its first trial; outside the pipelines less the sweep run again: ${outsideMs.toFixed(0)} ms per trial (load ${load()})`)
      rows.push({ case: '8 trials, --queue (one worker process)', seconds: round(queued.seconds, 1), ratio: round(serial.seconds / queued.seconds, 2), overheadMsPerTrial: round(perTrial, 0), collectMs: round(q.collect, 0), firstPickupMs: round(q.firstPickup, 0), workerStartSeconds: round(workerStart, 1), firstTrialWorkerMs: round(first.queue!.worker, 0), outsideLessAgainMsPerTrial: round(outsideMs, 0), sameResults: sameMetrics(queued, serial), load1m: load() })
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
