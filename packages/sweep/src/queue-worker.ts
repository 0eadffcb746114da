import { Worker } from 'bullmq'
import { compiledModulePath } from './executor.js'
import { wasmThreadsPerWorker } from './balance.js'
import { registryModuleVariable, wasmThreadsVariable } from './queue-processor.js'
import type { QueuePayload } from './queue.js'
import { checkRedis, redisConnection, trialQueueName } from './redis.js'
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

/** A BullMQ worker that runs trials from Redis, each in a sandboxed child process. */
export async function startQueueWorker(url: string, options: QueueWorkerOptions): Promise<QueueWorker> {
  await checkRedis(url)
  const log = options.log ?? (() => {})
  const lockDuration = options.lockMs ?? 30_000
  const concurrency = options.concurrency ?? 1
  const connection = redisConnection(url)
  const worker = new Worker<TrialTask, QueuePayload>(trialQueueName, compiledModulePath('queue-processor'), {
    connection,
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
  return {
    async close() {
      await worker.close()
      await connection.quit().catch(() => undefined)
    },
  }
}
