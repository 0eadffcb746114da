import { ModelError } from '@prunekit/core'
import { constants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import { isAbsolute, join, relative } from 'node:path'
import type { ShardRead } from './load-limits.js'

const kinds: Array<[string, (s: import('node:fs').Stats) => boolean]> = [
  ['a directory', (s) => s.isDirectory()],
  ['a FIFO (named pipe)', (s) => s.isFIFO()],
  ['a character device', (s) => s.isCharacterDevice()],
  ['a block device', (s) => s.isBlockDevice()],
  ['a socket', (s) => s.isSocket()],
]

/**
 * Reads a regular file, at most `limit` bytes, without blocking on a FIFO or streaming a device:
 * opened non-blocking, its type checked on the open descriptor, read no further than its size.
 */
export async function readRegular(file: string, limit: number, what: string): Promise<ShardRead> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((cause: NodeJS.ErrnoException) => {
    throw new ModelError(`${what} ${file} ${cause.code === 'ENOENT' ? 'does not exist' : `cannot be read (${cause.message})`}.`, { cause })
  })
  try {
    const info = await handle.stat()
    if (!info.isFile()) {
      const kind = kinds.find(([, is]) => is(info))?.[0] ?? 'not a regular file'
      throw new ModelError(`${what} ${file} is ${kind}, not a regular file. Point it at the file itself.`)
    }
    const bytes = new Uint8Array(Math.min(info.size, limit))
    let read = 0
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read)
      if (bytesRead === 0) break
      read += bytesRead
    }
    return { bytes: bytes.subarray(0, read), size: Math.max(info.size, read) }
  } finally {
    await handle.close()
  }
}

/** The real path of `path` (relative to `dir`), refused when it resolves outside `dir`, symlinks followed. */
export async function insideDir(dir: string, path: string, modelFile: string): Promise<string> {
  const realDir = await realpath(dir)
  const target = join(realDir, path)
  const outside = (real: string) => {
    const rel = relative(realDir, real)
    return rel === '' || rel.startsWith('..') || isAbsolute(rel)
  }
  const refuse = (real: string) =>
    new ModelError(`${modelFile} lists the weight shard ${path}, which resolves to ${real}, outside the model directory ${realDir}. Shards must be files in the model's directory (no "..", no symlinks out of it).`)
  if (outside(target)) throw refuse(target) // before touching the file: not even whether it exists is told
  const real = await realpath(target).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === 'ENOENT') throw new ModelError(`${modelFile} lists the weight shard ${path}, but ${target} does not exist.`, { cause })
    throw new ModelError(`${modelFile} lists the weight shard ${path}, but ${target} cannot be read (${cause.message}).`, { cause })
  })
  if (outside(real)) throw refuse(real)
  return real
}
