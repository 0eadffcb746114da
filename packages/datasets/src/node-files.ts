// Node.js only: the idx, fashion-mnist and csv datasets import this file dynamically, so browser bundles never load node:fs.
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { DataError } from '@prunekit/core'

const inflate = promisify(gunzip)

/** A data file's bytes, gunzipped when it starts with gzip's magic number; errors name the file and the fix. */
export async function readDataFile(file: string, hint: string): Promise<Uint8Array> {
  let info
  try {
    info = await stat(file)
  } catch (cause) {
    throw new DataError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}. ${hint}`, { cause })
  }
  if (!info.isFile()) throw new DataError(`${file} is not a regular file. ${hint}`)
  const bytes = new Uint8Array(await readFile(file))
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes
  try {
    return new Uint8Array(await inflate(bytes))
  } catch (cause) {
    throw new DataError(`${file} is a damaged gzip file (${(cause as Error).message}). Re-download or reinstall it. ${hint}`, { cause })
  }
}

/** The first of `names` (each tried as is and with .gz) present in `dir`, or undefined. */
export async function findInDir(dir: string, names: readonly string[]): Promise<string | undefined> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch {
    return undefined
  }
  for (const name of names) {
    for (const candidate of [name, `${name}.gz`]) if (entries.includes(candidate)) return join(dir, candidate)
  }
  return undefined
}

/** A text file, for csv. */
export async function readTextFile(file: string, hint: string): Promise<string> {
  return new TextDecoder().decode(await readDataFile(file, hint))
}
