import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { describeWriteError } from './write-error.js'
import { tempName, writeFilesAtomic } from './write-file-atomic.js'

/** True when every entry of `dir` is one of `replaceable` (or `dir` is missing). */
async function onlyHolds(dir: string, replaceable: (name: string) => boolean): Promise<boolean> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  return entries.every(replaceable)
}

/**
 * Writes `files` (names inside `dir`) as one unit: into a temp sibling directory, moved into place with
 * one rename, so no reader ever sees new files beside old ones. An existing `dir` whose entries are all
 * `replaceable` is moved aside first and removed after; one holding other files keeps them, and the
 * files are then written one temp file and rename each, the last file last.
 */
export async function writeDirAtomic(dir: string, files: ReadonlyArray<readonly [string, string | Uint8Array]>, replaceable: (name: string) => boolean): Promise<void> {
  if (!(await onlyHolds(dir, replaceable))) return writeFilesAtomic(files.map(([name, content]) => [join(dir, name), content] as const))
  await mkdir(dirname(dir), { recursive: true })
  const temp = tempName(join(dirname(dir), `.${basename(dir)}`))
  const old = `${temp}.old`
  try {
    await mkdir(temp)
    for (const [name, content] of files) await writeFile(join(temp, name), content)
    await rename(dir, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error
    })
    await rename(temp, dir)
  } catch (error) {
    throw describeWriteError(error, dir)
  } finally {
    await rm(temp, { recursive: true, force: true })
    await rm(old, { recursive: true, force: true })
  }
}
