import asc from 'assemblyscript/asc'
import { fileURLToPath } from 'node:url'

const asmDir = fileURLToPath(new URL('../asm/', import.meta.url))

/** asm/index.ts compiled with SIMD, -O3, no runtime allocator, no abort import: the module's bytes. */
export async function compileKernels() {
  let bytes
  const { error, stderr } = await asc.main(
    ['index.ts', '--baseDir', asmDir, '-O3', '--runtime', 'stub', '--enable', 'simd', '--noAssert', '--use', 'abort=', '--outFile', 'kernels.wasm'],
    {
      writeFile(name, contents) {
        if (name.endsWith('.wasm')) bytes = contents
      },
    },
  )
  if (error) throw new Error(`AssemblyScript failed to compile asm/: ${error.message}\n${stderr.toString()}`)
  return bytes
}
