import { kernelsWasmBase64, sharedKernelsWasmBase64 } from './kernels-wasm.js'
import type { Kernels } from './kernels.js'

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

const modules: { own?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {}

function compiled(kind: 'own' | 'shared'): WebAssembly.Module | null {
  if (modules[kind] === undefined) {
    try {
      modules[kind] = new WebAssembly.Module(decodeBase64(kind === 'own' ? kernelsWasmBase64 : sharedKernelsWasmBase64))
    } catch {
      modules[kind] = null
    }
  }
  return modules[kind]
}

/** Whether this JavaScript engine runs the module (WebAssembly with SIMD). */
export function trainWasmSupported(): boolean {
  return compiled('own') !== null
}

/** The largest shared memory the threaded module declares (wasm32's 4 GiB, in 64 KiB pages). */
const sharedMaximumPages = 65536

const pageBytes = 65536
// The module has no data of its own; the first page stays unused so that no array sits at address 0.
const firstFree = pageBytes

/**
 * One instance of the kernels with its own memory, and a bump allocator over it. Pointers are byte
 * offsets. Views from {@link Heap.f32} stay valid until the next {@link Heap.alloc} (memory may grow).
 */
export class Heap {
  readonly kernels: Kernels
  readonly memory: WebAssembly.Memory
  /** The compiled module, to instantiate again on the same (shared) memory in worker threads. */
  readonly module: WebAssembly.Module
  private top = firstFree

  /** `shared`: a shared memory that worker threads can run the same kernels on (needs SharedArrayBuffer). */
  constructor(options: { shared?: boolean } = {}) {
    const module = compiled(options.shared ? 'shared' : 'own')
    if (!module) throw new Error(`This JavaScript engine cannot run WebAssembly SIMD${options.shared ? ' with shared memory' : ''}, which @prunekit/train-wasm needs.`)
    this.module = module
    if (options.shared) {
      this.memory = new WebAssembly.Memory({ initial: 1, maximum: sharedMaximumPages, shared: true })
      this.kernels = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as Kernels
    } else {
      const instance = new WebAssembly.Instance(module, {})
      this.kernels = instance.exports as unknown as Kernels
      this.memory = instance.exports.memory as WebAssembly.Memory
    }
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
