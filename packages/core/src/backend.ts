import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { registerWasmKernels } from '@prunekit/tfjs-wasm'
import { BackendError } from './errors.js'

export type BackendName = 'wasm' | 'cpu'

export interface BackendInfo {
  name: BackendName
  simd: boolean
  /** Worker threads the wasm kernels use (1: single-threaded). */
  threads: number
}

export interface BackendOptions {
  /**
   * wasm only: run the threaded SIMD build with this many threads. Opt-in: in Node.js it is loaded
   * by @prunekit/tfjs-wasm's loader (tfjs disables threads there); in browsers tfjs decides.
   */
  threads?: number
}

/** Whether this runs in Node.js (not a browser): Node-only code is loaded with a dynamic import behind it. */
export const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node)
let threadedWasm = 1

// In a browser the usual cause: the page cannot fetch the .wasm binaries, which bundlers do not copy.
const wasmFilesHint =
  ' In a browser this usually means that tfjs-backend-wasm could not fetch its .wasm files: serve the files of ' +
  "node_modules/@tensorflow/tfjs-backend-wasm/dist/ (vite: copy them into public/wasm/) and call setWasmPaths('/wasm/') " +
  "from '@tensorflow/tfjs-backend-wasm' before the run (see the prunekit README, In the browser)."

const backendNames: readonly BackendName[] = ['wasm', 'cpu']

/** The wasm threads setupBackend set up (1 in browsers and by default): the training engine uses as many. */
export function wasmThreadCount(): number {
  return threadedWasm
}

/**
 * Selects and initialises a backend, waits for tf.ready(), and reports SIMD and thread support.
 * In Node the wasm binaries are found next to @tensorflow/tfjs-backend-wasm; in a browser, call
 * setWasmPaths() from that package first if your bundler moves them.
 */
export async function setupBackend(name: BackendName = 'wasm', options: BackendOptions = {}): Promise<BackendInfo> {
  if (!backendNames.includes(name)) {
    throw new BackendError(`Unknown backend "${name}". Use one of: ${backendNames.join(', ')}.`)
  }
  // Production mode: skips tfjs's debug-time checks and its "install tfjs-node" banner.
  if (!tf.env().getBool('PROD')) tf.enableProdMode()
  if (name === 'wasm') {
    registerWasmKernels()
    const threads = options.threads ?? 1
    if (isNode && threads !== threadedWasm) {
      const { registerThreadedWasm, registerSingleThreadedWasm } = await import('@prunekit/tfjs-wasm/node')
      if (threads > 1) await registerThreadedWasm(threads)
      else registerSingleThreadedWasm()
      threadedWasm = threads
    }
  }
  let ok = false
  try {
    ok = await tf.setBackend(name)
    await tf.ready()
  } catch (cause) {
    throw new BackendError(`The ${name} backend failed to start: ${(cause as Error).message}`, { cause })
  }
  if (!ok || tf.getBackend() !== name) throw new BackendError(`The ${name} backend could not be initialised on this platform.${name === 'wasm' && !isNode ? wasmFilesHint : ''}`)
  const wasm = name === 'wasm'
  return {
    name,
    simd: wasm && Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    threads: wasm ? Number((tf.backend() as unknown as { wasm?: { tfjs?: { getThreadsCount?: () => number } } }).wasm?.tfjs?.getThreadsCount?.() ?? 1) : 1,
  }
}
