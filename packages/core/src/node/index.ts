// Node.js-only helpers (file system, worker threads); the main entry stays browser-safe.
export { registerSingleThreadedWasm, registerThreadedWasm, stopThreadedWasm } from './wasm-threads.js'
export { writeFileAtomic, writeFilesAtomic } from './write-file-atomic.js'
