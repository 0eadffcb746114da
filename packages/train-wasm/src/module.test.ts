import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Heap } from './module.js'

describe('the kernels module', () => {
  it('is the compile of asm/ (run npm run build:wasm -w @prunekit/train-wasm after editing asm/)', async () => {
    const { compileKernels } = (await import(fileURLToPath(new URL('../scripts/compile.mjs', import.meta.url)))) as { compileKernels(options?: { shared: boolean }): Promise<Uint8Array> }
    const committed = readFileSync(new URL('./kernels-wasm.ts', import.meta.url), 'utf8')
    expect(committed).toContain(`kernelsWasmBase64 =\n  '${Buffer.from(await compileKernels()).toString('base64')}'`)
    expect(committed).toContain(`sharedKernelsWasmBase64 =\n  '${Buffer.from(await compileKernels({ shared: true })).toString('base64')}'`)
  }, 60_000)

  it('multiplies, adds and zeroes float arrays on its heap, odd lengths included', () => {
    const heap = new Heap()
    const n = 7
    const [a, b] = [heap.alloc(n), heap.alloc(n)]
    heap.f32(a, n).set([1, 2, 3, 4, 5, 6, 7])
    heap.f32(b, n).set([0, 1, 0, 1, 0, 1, 0])
    heap.kernels.multiplyInPlace(a, b, n)
    expect([...heap.f32(a, n)]).toEqual([0, 2, 0, 4, 0, 6, 0])
    heap.kernels.addInPlace(a, b, n)
    expect([...heap.f32(a, n)]).toEqual([0, 3, 0, 5, 0, 7, 0])
    heap.kernels.zero(a, n)
    expect([...heap.f32(a, n)]).toEqual(Array(n).fill(0))
  })

  it('grows its memory for large arrays', () => {
    const heap = new Heap()
    const big = heap.alloc(1 << 20)
    heap.f32(big, 1 << 20).fill(2)
    expect(heap.size).toBeGreaterThan(4 << 20)
  })
})
