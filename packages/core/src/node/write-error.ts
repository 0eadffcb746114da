import { OutputError } from '../errors.js'

const reasons: Record<string, string> = {
  ENOSPC: 'no space is left on the device. Free some space, or choose another out directory',
  EDQUOT: 'the disk quota is exhausted. Free some space, or choose another out directory',
  EROFS: 'the file system is read-only. Choose a writable out directory',
  EACCES: 'permission denied. Make it writable, or choose another out directory',
  EPERM: 'permission denied. Make it writable, or choose another out directory',
  ENOTDIR: 'a part of the path is a file, not a directory. Choose a directory path',
  EISDIR: 'it is a directory. Choose a file path',
}

/** A failed write as an error that names the path, the reason and the fix, the errno kept as its cause. */
export function describeWriteError(error: unknown, path: string): Error {
  if (error instanceof OutputError) return error
  const code = (error as NodeJS.ErrnoException)?.code
  const reason = (code && reasons[code]) ?? `${(error as Error)?.message ?? error}`
  return new OutputError(`Cannot write ${path}: ${reason}${code ? ` (${code})` : ''}.`, { cause: error })
}
