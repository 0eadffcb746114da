import { Worker } from 'bullmq'
import { compiledModulePath } from './executor.js'
import { wasmThreadsPerWorker } from './balance.js'
import type { QueuePayload } from './queue.js'
import { checkRedis, redisConnection, registryModuleVariable, trialQueueName, wasmThreadsVariable } from './redis.js'
import type { TrialTask } from './trial.js'

export interface QueueWorkerOptions {
  /** The module that builds each trial's registry (this machine's prunekit). */
  registryModule: string
  /** Trials at once in this worker, each in its own child process (default 1). */
  concurrency?: number
  /** How long a trial's lock lives without renewal: a worker silent this long is taken for dead and its trial is retried elsewhere. */
  lockMs?: number
  /** What the worker tells: a trial started, finished or failed. */
  log?: (line: string) => void
}

export interface QueueWorker {
  /** Resolves when the worker has stopped (after `close()`). */
  close(): Promise<void>
}

/** BullMQ's pool of sandboxed child processes: not public API (bullmq 5 forks a child at its first job, then reuses it). */
interface WithChildPool {
  childPool?: { retain(processFile: string): Promise<unknown>; release(child: unknown): void }
}

/** Forks the worker's `count` trial processes now, so that their start (tfjs, backend, registry) is not paid inside the first trials. */
async function warmChildren(worker: Worker, processFile: string, count: number): Promise<void> {
  const pool = (worker as unknown as WithChildPool).childPool
  if (!pool) return
  const children = await Promise.all(Array.from({ length: count }, () => pool.retain(processFile)))
  for (const child of children) pool.release(child)
}

/** A BullMQ worker that runs trials from Redis, each in a sandboxed child process, started with the worker. */
export async function startQueueWorker(url: string, options: QueueWorkerOptions): Promise<QueueWorker> {
  await checkRedis(url)
  const log = options.log ?? (() => {})
  const lockDuration = options.lockMs ?? 30_000
  const concurrency = options.concurrency ?? 1
  const connection = redisConnection(url)
  const processFile = compiledModulePath('queue-processor')
  const worker = new Worker<TrialTask, QueuePayload>(trialQueueName, processFile, {
    connection,
    autorun: false, // takes trials once its child processes are warm
    concurrency,
    lockDuration,
    stalledInterval: Math.max(1000, Math.round(lockDuration / 2)),
    maxStalledCount: 2,
    workerForkOptions: { env: { ...process.env, [registryModuleVariable]: options.registryModule, [wasmThreadsVariable]: String(wasmThreadsPerWorker(concurrency)) } },
  })
  worker.on('active', (job) => log(`trial ${job.data.id} started (${job.id})`))
  worker.on('completed', (job) => log(`trial ${job.data.id} done in ${job.returnvalue.result.seconds.toFixed(1)} s`))
  worker.on('failed', (job, error) => log(`trial ${job?.data.id ?? '?'} failed: ${error.message}`))
  worker.on('error', (error) => log(`worker error: ${error.message}`))
  await worker.waitUntilReady()
  try {
    await warmChildren(worker, processFile, concurrency)
  } catch (error) {
    await worker.close()
    await connection.quit().catch(() => undefined)
    throw error
  }
  const running = worker.run().catch((error: Error) => log(`worker error: ${error.message}`))
  return {
    async close() {
      await worker.close()
      await running
      await connection.quit().catch(() => undefined)
    },
  }
}
