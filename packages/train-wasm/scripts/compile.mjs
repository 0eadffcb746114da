import asc from 'assemblyscript/asc'
import { fileURLToPath } from 'node:url'

const asmDir = fileURLToPath(new URL('../asm/', import.meta.url))

/** Pages of a shared memory's maximum (4 GiB: wasm32's limit, which V8 reserves, not commits). */
export const sharedMaximumPages = 65536

/**
 * asm/index.ts compiled with SIMD, -O3, no runtime allocator, no abort import: the module's bytes.
 * `shared`: a module that imports a shared `env.memory` (for worker threads) instead of exporting its own.
 */
export async function compileKernels({ shared = false } = {}) {
  let bytes
  const memory = shared ? ['--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', String(sharedMaximumPages)] : []
  const { error, stderr } = await asc.main(
    ['index.ts', '--baseDir', asmDir, '-O3', '--runtime', 'stub', '--enable', 'simd', '--enable', 'threads', '--noAssert', '--use', 'abort=', ...memory, '--outFile', 'kernels.wasm'],
    {
      writeFile(name, contents) {
        if (name.endsWith('.wasm')) bytes = contents
      },
    },
  )
  if (error) throw new Error(`AssemblyScript failed to compile asm/: ${error.message}\n${stderr.toString()}`)
  return bytes
}
