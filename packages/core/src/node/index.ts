// Node.js-only helpers (file system); the main entry stays browser-safe.
export { haltAtomicWrites, writeFileAtomic, writeFilesAtomic } from './write-file-atomic.js'
export { loadRunState, removeRunState, runStateFile, saveRunState } from './run-state-file.js'
export { writeDirAtomic } from './write-dir-atomic.js'
export { claimOutDir, type OutDirClaim } from './out-dir.js'
export { describeWriteError } from './write-error.js'
