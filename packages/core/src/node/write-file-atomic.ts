import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { describeWriteError } from './write-error.js'

/** A unique temp name beside `path`: `<path>.<pid>.<random>.tmp`. */
export const tempName = (path: string): string => `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`

/** Writes through a temp file and a rename, so a crash never leaves a half-written file. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([[path, content]])
}

// Writes under way in this process, so a hard exit can let them finish (or fail) before it cleans up.
const inFlight = new Set<Promise<void>>()
let halted = false

/**
 * Refuses every atomic write from now on and resolves once those under way have settled (each then
 * leaves either its file or nothing), or after `ms` at most: for a process about to exit at once.
 */
export async function haltAtomicWrites(ms: number): Promise<void> {
  halted = true
  let timer: NodeJS.Timeout | undefined
  await Promise.race([Promise.allSettled([...inFlight]), new Promise<void>((done) => (timer = setTimeout(done, ms)))])
  clearTimeout(timer)
}

/**
 * Writes several files all-or-nothing as far as a file system allows: every temp file is written
 * first, then each is renamed into place; on any failure the temp files are removed.
 */
export async function writeFilesAtomic(files: ReadonlyArray<readonly [string, string | Uint8Array]>): Promise<void> {
  if (halted) throw new Error(`Not writing ${files.map(([path]) => path).join(', ')}: the process is exiting.`)
  const write = writeAll(files)
  inFlight.add(write)
  try {
    await write
  } finally {
    inFlight.delete(write)
  }
}

async function writeAll(files: ReadonlyArray<readonly [string, string | Uint8Array]>): Promise<void> {
  const temps = files.map(([path]) => tempName(path))
  try {
    for (const [i, [path, content]] of files.entries()) {
      await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => {
        throw describeWriteError(error, dirname(path))
      })
      await writeFile(temps[i], content).catch((error: unknown) => {
        throw describeWriteError(error, path)
      })
    }
    for (const [i, [path]] of files.entries()) await rename(temps[i], path)
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t, { force: true })))
    throw describeWriteError(error, files.at(-1)?.[0] ?? '')
  }
}
