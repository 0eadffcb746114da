// Node.js only (worker threads, node:fs): the main entry stays browser-safe.
export { registerSingleThreadedWasm, registerThreadedWasm, stopThreadedWasm } from './wasm-threads.js'
