import { kernelsWasmBase64 } from './kernels-wasm.js'
import type { Kernels } from './kernels.js'

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

let compiled: WebAssembly.Module | null | undefined

/** Whether this JavaScript engine runs the module (WebAssembly with SIMD). */
export function trainWasmSupported(): boolean {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(decodeBase64(kernelsWasmBase64))
    } catch {
      compiled = null
    }
  }
  return compiled !== null
}

const pageBytes = 65536
// The module has no data of its own; the first page stays unused so that no array sits at address 0.
const firstFree = pageBytes

/**
 * One instance of the kernels with its own memory, and a bump allocator over it. Pointers are byte
 * offsets. Views from {@link Heap.f32} stay valid until the next {@link Heap.alloc} (memory may grow).
 */
export class Heap {
  readonly kernels: Kernels
  private readonly memory: WebAssembly.Memory
  private top = firstFree

  constructor() {
    if (!trainWasmSupported()) throw new Error('This JavaScript engine cannot run WebAssembly SIMD, which @prunekit/train-wasm needs.')
    const instance = new WebAssembly.Instance(compiled as WebAssembly.Module, {})
    this.kernels = instance.exports as unknown as Kernels
    this.memory = instance.exports.memory as WebAssembly.Memory
  }

  /** Grows the memory once to hold `floats` more values (so that a run of {@link Heap.alloc} calls copies nothing). */
  reserve(floats: number): void {
    const missing = this.top + floats * 4 + 16 * 1024 - this.memory.buffer.byteLength
    if (missing > 0) this.memory.grow(Math.ceil(missing / pageBytes))
  }

  /** Room for `floats` float32 (or int32) values, 16-byte aligned, zero-filled when first allocated. */
  alloc(floats: number): number {
    const pointer = this.top
    this.top += Math.ceil((Math.max(floats, 1) * 4) / 16) * 16
    const missing = this.top - this.memory.buffer.byteLength
    if (missing > 0) this.memory.grow(Math.ceil(missing / pageBytes))
    return pointer
  }

  /** A float32 view of `length` values at `pointer`. */
  f32(pointer: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, pointer, length)
  }

  /** An int32 view of `length` values at `pointer`. */
  i32(pointer: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, pointer, length)
  }

  /** Bytes in use. */
  get size(): number {
    return this.top
  }
}
