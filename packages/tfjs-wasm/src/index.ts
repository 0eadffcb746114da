// Kernels for tfjs-backend-wasm 4.22; browser-safe. Threaded wasm in Node.js is in the ./node subpath.
export { registerWasmKernels, wasmGradientKernels, wasmKernelReplacements, type WasmKernelsReport } from './register.js'
export { wasmConvGradientOptions } from './patches.js'
export type { KernelReplacement } from './shared.js'
