// A BullMQ sandboxed processor: runs one trial in a child process of `prunekit worker`, so that a long
// training never blocks the worker's lock renewal, and ships the trial's report files back through Redis.
import { setupBackend } from '@prunekit/core'
import { UnrecoverableError, type SandboxedJob } from 'bullmq'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { withWasmThreads } from './balance.js'
import type { QueuePayload } from './queue.js'
import { registryModuleVariable, wasmThreadsVariable } from './redis.js'
import { registryFactory, runTrial, type TrialTask } from './trial.js'
import { prunekitVersion } from './version.js'

// Ready before the first trial (the worker forks this process as it starts): tfjs imported, the wasm
// backend started, the registry module imported.
await setupBackend('wasm', { threads: 1 })
if (process.env[registryModuleVariable]) await registryFactory(process.env[registryModuleVariable])

async function readTree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files[relative(dir, path)] = (await readFile(path)).toString('base64')
  }
  return files
}

export default async function processTrial(job: SandboxedJob<TrialTask, QueuePayload>): Promise<QueuePayload> {
  const task = job.data
  const version = prunekitVersion()
  if (task.version !== version) {
    throw new UnrecoverableError(`this worker runs prunekit ${version}, but the sweep that enqueued trial ${task.id} runs ${task.version}: install the same prunekit version on every machine, then run the sweep again`)
  }
  const dir = await mkdtemp(join(tmpdir(), `prunekit-${task.id}-`))
  try {
    const capped = withWasmThreads(task, Number(process.env[wasmThreadsVariable] ?? task.config.threads))
    const createRegistry = await registryFactory(process.env[registryModuleVariable] ?? task.registryModule)
    const result = await runTrial(capped, await createRegistry(capped.config, capped.baseDir), dir)
    return { result, files: await readTree(dir) }
  } finally {
    // Removed while the result goes back: the worker need not wait for it.
    void rm(dir, { recursive: true, force: true }).catch(() => undefined)
  }
}
