import * as tf from '@tensorflow/tfjs-core'
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm'
import { createHash } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { dirname, join } from 'node:path'

interface ThreadedModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number
  PThread?: { terminateAllThreads(): void }
  tfjs?: unknown
}

let active: ThreadedModule | undefined
let singleThreaded: ReturnType<typeof tf.findBackendFactory> | undefined

/**
 * Multi-threaded SIMD wasm in Node.js. tfjs turns it off in Node (its Emscripten worker is started
 * from a blob: URL, which Node's workers cannot load). This loads the same threaded build with the
 * worker script written to a file and the main script given as a path, then registers it as the
 * `wasm` backend. The threaded build sizes its pool from the logical core count halved (it assumes
 * hyper-threading), so the core count it sees is 2 x threads while it instantiates.
 */
export async function registerThreadedWasm(threads: number): Promise<void> {
  const require = createRequire(import.meta.url)
  const glue = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js')
  const out = dirname(glue)
  const factory = require(glue) as (config: Record<string, unknown>) => Promise<ThreadedModule>
  const { wasmWorkerContents } = require(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string }
  // The worker source escapes newlines inside its string literals the way tfjs does for its Blob.
  const source = wasmWorkerContents.replace(/\n/g, '\\n')
  const worker = join(os.tmpdir(), `prunekit-wasm-worker-${createHash('sha1').update(source).digest('hex').slice(0, 12)}.cjs`)
  if (!existsSync(worker)) writeFileSync(worker, source)

  singleThreaded ??= tf.findBackendFactory('wasm')
  stopThreadedWasm()
  tf.removeBackend('wasm')
  tf.registerBackend(
    'wasm',
    async () => {
      const realCpus = os.cpus
      os.cpus = () => Array.from({ length: threads * 2 }, () => realCpus()[0])
      let module: ThreadedModule
      try {
        module = await factory({ locateFile: (path: string) => (path.endsWith('.worker.js') ? worker : join(out, path)), mainScriptUrlOrBlob: glue })
      } finally {
        os.cpus = realCpus
      }
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      }
      active = module
      setThreadsCount(threads)
      return new BackendWasm(module as never)
    },
    3,
  )
}

/** Puts tfjs's own single-threaded wasm backend back (after registerThreadedWasm). */
export function registerSingleThreadedWasm(): void {
  if (!singleThreaded) return
  stopThreadedWasm()
  tf.removeBackend('wasm')
  tf.registerBackend('wasm', singleThreaded, 2)
}

/** Stops the worker threads so the process can exit. */
export function stopThreadedWasm(): void {
  active?.PThread?.terminateAllThreads()
  active = undefined
}
