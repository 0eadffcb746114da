import { Queue, QueueEvents, type Job } from 'bullmq'
import { writeFilesAtomic } from '@prunekit/core/node'
import { join } from 'node:path'
import { longestFirst } from './balance.js'
import type { Executor } from './executor.js'
import { checkRedis, QueueError, redisConnection, trialQueueName } from './redis.js'
import type { TrialResult, TrialTask } from './trial.js'

/** What a worker sends back through Redis: the result and the trial's report files (base64). */
export interface QueuePayload {
  result: TrialResult
  files: Record<string, string>
}

export interface QueueOptions {
  /** Tries of a trial before it counts as failed (a worker that dies mid-trial costs one). */
  attempts?: number
  /** Told once the trials are enqueued: how many wait for workers. */
  onEnqueued?: (waiting: number) => void
}

/** A finished trial's job id: its config's hash, so that a sweep run again finds it finished. */
const jobId = (task: TrialTask) => `trial-${task.key}`

async function enqueue(queue: Queue<TrialTask, QueuePayload>, task: TrialTask, attempts: number): Promise<Job<TrialTask, QueuePayload>> {
  const job = await queue.add(task.id, task, { jobId: jobId(task), attempts, removeOnComplete: false, removeOnFail: false })
  // A job id that exists is not added again; one that failed before (e.g. on a worker of another version) is retried.
  if ((await job.getState()) === 'failed') await job.retry('failed')
  return job
}

/**
 * Trials through BullMQ on Redis: enqueued, run by `prunekit worker` processes on any machine, the
 * results collected as they arrive. Each trial's report files come back through Redis into its folder.
 */
export function queueExecutor(url: string, options: QueueOptions = {}): Executor {
  const connections: Array<{ quit(): Promise<unknown> }> = []
  const closers: Array<() => Promise<void>> = []
  return {
    describe: `through BullMQ at ${url}`,
    async run(tasks, onResult) {
      await checkRedis(url)
      const queueConnection = redisConnection(url)
      const eventsConnection = redisConnection(url)
      connections.push(queueConnection, eventsConnection)
      const queue = new Queue<TrialTask, QueuePayload>(trialQueueName, { connection: queueConnection })
      const events = new QueueEvents(trialQueueName, { connection: eventsConnection })
      closers.push(() => events.close(), () => queue.close())
      await events.waitUntilReady()
      const failures: string[] = []
      const collect = async (batch: readonly TrialTask[], enqueued?: (waiting: number) => void): Promise<void> => {
        const ordered = longestFirst(batch)
        const jobs = await Promise.all(ordered.map((task) => enqueue(queue, task, options.attempts ?? 3)))
        enqueued?.(jobs.length)
        await Promise.all(
          jobs.map(async (job, i) => {
            const task = ordered[i]
            let ready: readonly TrialTask[] = []
            try {
              const payload = (await job.waitUntilFinished(events)) as QueuePayload
              await writeFilesAtomic(Object.entries(payload.files).map(([name, data]) => [join(task.config.out, name), Buffer.from(data, 'base64')] as const))
              ready = onResult(payload.result) ?? []
            } catch (cause) {
              failures.push(`trial ${task.id} failed on a worker: ${(cause as Error).message}`)
            }
            if (ready.length) await collect(ready)
          }),
        )
      }
      await collect(tasks, options.onEnqueued)
      if (failures.length) throw new Error(failures.join('\n'))
    },
    async close() {
      for (const close of closers.splice(0)) await close()
      await Promise.all(connections.splice(0).map((c) => c.quit().catch(() => undefined)))
    },
  }
}
