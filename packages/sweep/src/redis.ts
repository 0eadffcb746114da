import { Redis } from 'ioredis'

/** A queue that cannot be used: a bad URL, an unreachable Redis, a trial that failed on a worker. */
export class QueueError extends Error {
  override name = 'QueueError'
}

/** The BullMQ queue trials go through. */
export const trialQueueName = 'prunekit-trials'

/** The environment variable through which `prunekit worker` names its registry module to its trial processes. */
export const registryModuleVariable = 'PRUNEKIT_TRIAL_REGISTRY'

/** The environment variable through which `prunekit worker` caps each trial's wasm threads (the cores left per concurrent trial). */
export const wasmThreadsVariable = 'PRUNEKIT_TRIAL_WASM_THREADS'

/** Checks the URL's form, then that a Redis answers there, in a few seconds at most. */
export async function checkRedis(url: string): Promise<void> {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (!parsed || !['redis:', 'rediss:'].includes(parsed.protocol) || !parsed.hostname) {
    throw new QueueError(`--queue ${url} is not a Redis URL: write redis://host:port, e.g. redis://127.0.0.1:6379 (rediss:// for TLS)`)
  }
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000, enableOfflineQueue: false })
  client.on('error', () => {}) // the connect() rejection below reports it
  try {
    await client.connect()
    await client.ping()
  } catch (cause) {
    throw new QueueError(`cannot reach Redis at ${url}: ${((cause as Error).message || String(cause)).replace(/\.+$/, '')}. Is redis-server running and listening there? Start one (redis-server --port ${parsed.port || 6379}) or fix --queue.`, { cause })
  } finally {
    client.disconnect()
  }
}

/** A connection BullMQ can block on (it needs `maxRetriesPerRequest: null`). */
export function redisConnection(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null })
  client.on('error', () => {}) // ioredis reconnects by itself; BullMQ reports what fails
  return client
}
