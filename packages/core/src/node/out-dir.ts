import { mkdir, open, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { OutputError } from '../errors.js'
import { describeWriteError } from './write-error.js'
import { writeFileAtomic } from './write-file-atomic.js'

/** A run's hold on its out directory: outputs recorded for the next run to clear, the lock released at the end. */
export interface OutDirClaim {
  /** The out directory, absolute. */
  dir: string
  /** Records the files and model directories this run writes, so the next run into `dir` removes them first. */
  record(paths: readonly string[]): Promise<void>
  release(): Promise<void>
}

const lockName = '.prunekit.lock'
const recordName = '.prunekit-outputs.json'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Creates `dir` if missing and proves it writable, naming `out` and the path on failure. */
async function checkWritable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST' || error.code === 'ENOTDIR') throw new OutputError(`out: ${dir} is a file (or inside one), not a directory. Give a directory path for out (or --out).`, { cause: error })
    throw describeWriteError(error, dir)
  })
  const probe = join(dir, `.prunekit-probe.${process.pid}`)
  await writeFile(probe, '').catch((error: NodeJS.ErrnoException) => {
    throw describeWriteError(error, dir)
  })
  await rm(probe, { force: true })
}

/** Takes `dir/.prunekit.lock`; a lock whose process is gone is taken over. */
async function lock(dir: string): Promise<string> {
  const file = join(dir, lockName)
  for (let attempt = 0; attempt < 2; attempt++) {
    const handle = await open(file, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw describeWriteError(error, file)
      return undefined
    })
    if (handle) {
      await handle.writeFile(JSON.stringify({ pid: process.pid, started: new Date().toISOString() }))
      await handle.close()
      return file
    }
    const holder = JSON.parse(await readFile(file, 'utf8').catch(() => '{}') || '{}') as { pid?: number; started?: string }
    if (typeof holder.pid === 'number' && holder.pid !== process.pid && alive(holder.pid)) {
      throw new OutputError(
        `out: ${dir} is in use by another prunekit run (pid ${holder.pid}, started ${holder.started ?? 'at an unknown time'}). ` +
          'Wait for it to finish, or give this run another out directory (out: in the config, or --out).',
      )
    }
    await rm(file, { force: true }) // stale: its process is gone
  }
  throw new OutputError(`out: could not take the lock ${file}; another run keeps taking it. Give this run another out directory.`)
}

/** Inside `dir` only: a recorded path never reaches outside the out directory. */
const within = (dir: string, path: string): boolean => {
  const rel = relative(dir, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/** The outputs the previous run into `dir` recorded (paths relative to it). */
async function previousOutputs(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, recordName), 'utf8').catch(() => '[]')
  let paths: unknown
  try {
    paths = JSON.parse(text)
  } catch {
    paths = []
  }
  return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : []
}

/** Removes what the previous run into `dir` recorded: its files, and the model files of its model directories. */
async function clearPrevious(dir: string): Promise<void> {
  for (const path of await previousOutputs(dir)) {
    const full = resolve(dir, path)
    if (!within(dir, full)) continue
    const entries = await readdir(full).catch(() => undefined)
    if (!entries) {
      await rm(full, { force: true })
      continue
    }
    for (const name of entries) if (name === 'model.json' || name.endsWith('.bin')) await rm(join(full, name), { force: true })
    await rmdir(full).catch(() => undefined) // kept when the user put other files there
  }
  await rm(join(dir, recordName), { force: true })
}

/**
 * Claims a run's out directory before any work: creates it, proves it writable, takes its lock (refusing
 * a live run's, taking over a dead one's) and removes the previous run's recorded outputs, so no report
 * or export from an earlier run can pass as this one's (`resume`: keeps them, for the run it continues). Node.js only.
 */
export async function claimOutDir(out: string, options: { resume?: boolean } = {}): Promise<OutDirClaim> {
  const dir = resolve(out)
  await checkWritable(dir)
  const lockFile = await lock(dir)
  let recorded: string[] = []
  try {
    // A resumed run goes on with the interrupted run's outputs (an export it finished stays).
    if (options.resume) recorded = await previousOutputs(dir)
    else await clearPrevious(dir)
  } catch (error) {
    await rm(lockFile, { force: true })
    throw error
  }
  return {
    dir,
    async record(paths) {
      recorded = [...new Set([...recorded, ...paths.map((p) => relative(dir, resolve(dir, p)))])]
      if (!recorded.length) return
      await writeFileAtomic(join(dir, recordName), JSON.stringify(recorded))
    },
    async release() {
      await rm(lockFile, { force: true })
    },
  }
}
