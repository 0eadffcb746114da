// Node.js-only helpers (file system); the main entry stays browser-safe.
export { writeFileAtomic, writeFilesAtomic } from './write-file-atomic.js'
export { loadRunState, removeRunState, runStateFile, saveRunState } from './run-state-file.js'
