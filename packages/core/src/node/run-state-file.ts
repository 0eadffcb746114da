import { createHash } from 'node:crypto'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { RunStateError } from '../errors.js'
import { decodeRunState, encodeRunState, type RunState } from '../run-state.js'
import { writeFileAtomic } from './write-file-atomic.js'

/** The file in a run's out directory that `prunekit run --resume` goes on from. */
export const runStateFile = 'run-state.bin'

const digestBytes = 32
const digest = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest()

/** Writes the state to `dir`/run-state.bin through a temp file and a rename, with a checksum; returns the path. */
export async function saveRunState(dir: string, state: RunState): Promise<string> {
  const payload = encodeRunState(state)
  const path = join(dir, runStateFile)
  await writeFileAtomic(path, Buffer.concat([digest(payload), payload]))
  return path
}

/** Reads the state {@link saveRunState} wrote in `dir`; a missing, cut or altered file is refused with a message naming it. */
export async function loadRunState(dir: string): Promise<RunState> {
  const path = join(dir, runStateFile)
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT'
    throw new RunStateError(
      missing
        ? `Nothing to resume in ${dir}: ${path} does not exist. Only an interrupted run leaves it (a finished run removes it); run without --resume.`
        : `Cannot read ${path}: ${(cause as Error).message}.`,
      { cause },
    )
  }
  const payload = bytes.subarray(digestBytes)
  if (bytes.length < digestBytes || !digest(payload).equals(bytes.subarray(0, digestBytes))) {
    throw new RunStateError(`${path} is corrupt (its checksum does not match its contents). Start the run again without --resume.`)
  }
  return decodeRunState(payload, path)
}

/** Removes a saved state (a finished run leaves none). */
export async function removeRunState(dir: string): Promise<void> {
  await rm(join(dir, runStateFile), { force: true })
}
