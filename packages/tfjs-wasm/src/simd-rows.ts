import type { WasmBackendLike } from './shared.js'

/**
 * `rows(a, aStep, b, bStep, acc, accStep, n, channels)`: for each of n rows, acc[c] += a[c] * b[c] over
 * `channels` float32s, then each pointer moves by its step (bytes; 0 keeps it). Four channels per
 * f32x4 instruction, the rest one by one. All pointers are byte addresses on the tfjs wasm heap.
 */
export type MultiplyAddRows = (a: number, aStep: number, b: number, bStep: number, acc: number, accStep: number, n: number, channels: number) => void

const i32 = 0x7f
const [block, loop, end, br, brIf] = [0x02, 0x03, 0x0b, 0x0c, 0x0d]
const [get, set] = [0x20, 0x21]
const [add, sub, and, shl, eqz, geU] = [0x6a, 0x6b, 0x71, 0x74, 0x45, 0x4f]
const [f32Load, f32Store, f32Add, f32Mul] = [[0x2a, 2, 0], [0x38, 2, 0], [0x92], [0x94]]
const simd = (op: number, ...rest: number[]) => [0xfd, ...uleb(op), ...rest]
const [v128Load, v128Store, f32x4Add, f32x4Mul] = [simd(0x00, 4, 0), simd(0x0b, 4, 0), simd(0xe4), simd(0xe6)]

function uleb(value: number): number[] {
  const out: number[] = []
  do {
    const byte = value & 0x7f
    value >>>= 7
    out.push(value ? byte | 0x80 : byte)
  } while (value)
  return out
}

const constant = (value: number) => [0x41, ...sleb(value)]
function sleb(value: number): number[] {
  const out: number[] = []
  for (;;) {
    const byte = value & 0x7f
    value >>= 7
    const done = (value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40)
    out.push(done ? byte : byte | 0x80)
    if (done) return out
  }
}

const vector = (bytes: number[]) => [...uleb(bytes.length), ...bytes]
const section = (id: number, bytes: number[]) => [id, ...vector(bytes)]
const name = (text: string) => vector([...text].map((ch) => ch.charCodeAt(0)))

// Parameters 0-7 as in MultiplyAddRows, then locals 8: c (byte offset), 9: end of the f32x4 part, 10: end of the row.
const [A, A_STEP, B, B_STEP, ACC, ACC_STEP, N, CHANNELS, C, VECTOR_END, ROW_END] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
const at = (base: number) => [get, base, get, C, add]
const advance = (pointer: number, step: number) => [get, pointer, get, step, add, set, pointer]
const body = [
  ...[get, CHANNELS, ...constant(-4), and, ...constant(2), shl, set, VECTOR_END],
  ...[get, CHANNELS, ...constant(2), shl, set, ROW_END],
  block, 0x40, loop, 0x40,
  ...[get, N, eqz, brIf, 1],
  ...[...constant(0), set, C],
  // acc[c..c+3] += a[c..c+3] * b[c..c+3]
  block, 0x40, loop, 0x40,
  ...[get, C, get, VECTOR_END, geU, brIf, 1],
  ...at(ACC), ...at(ACC), ...v128Load, ...at(A), ...v128Load, ...at(B), ...v128Load, ...f32x4Mul, ...f32x4Add, ...v128Store,
  ...[get, C, ...constant(16), add, set, C, br, 0],
  end, end,
  // the channels left over, one at a time
  block, 0x40, loop, 0x40,
  ...[get, C, get, ROW_END, geU, brIf, 1],
  ...at(ACC), ...at(ACC), ...f32Load, ...at(A), ...f32Load, ...at(B), ...f32Load, ...f32Mul, ...f32Add, ...f32Store,
  ...[get, C, ...constant(4), add, set, C, br, 0],
  end, end,
  ...advance(A, A_STEP), ...advance(B, B_STEP), ...advance(ACC, ACC_STEP),
  ...[get, N, ...constant(1), sub, set, N, br, 0],
  end, end, end,
]

/** The module's bytes: one exported function `rows` over an imported memory `env.memory` (shared when the heap is). */
function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const memoryLimits = shared ? [0x03, ...uleb(1), ...uleb(65536)] : [0x00, ...uleb(1)]
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, ...vector(Array<number>(8).fill(i32)), 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...memoryLimits]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('rows'), 0x00, 0]),
    ...section(10, [1, ...vector([1, 3, i32, ...body])]),
  ])
}

interface EmscriptenModule {
  asm?: { memory?: WebAssembly.Memory }
  wasmMemory?: WebAssembly.Memory
}

// One instance per heap: the single-threaded build exports its memory, the threaded one imports a shared one.
const instances = new WeakMap<WebAssembly.Memory, MultiplyAddRows | null>()

/**
 * The SIMD row kernel bound to the backend's heap, or null where it cannot run (no WebAssembly SIMD,
 * or a heap this package cannot reach); callers then use their JavaScript loops.
 */
export function multiplyAddRows(backend: WasmBackendLike): MultiplyAddRows | null {
  const emscripten = (backend as unknown as { wasm?: EmscriptenModule }).wasm
  const memory = emscripten?.asm?.memory ?? emscripten?.wasmMemory
  if (!(memory instanceof WebAssembly.Memory)) return null
  if (!instances.has(memory)) {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer
    try {
      const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(shared)), { env: { memory } })
      instances.set(memory, instance.exports.rows as MultiplyAddRows)
    } catch {
      instances.set(memory, null)
    }
  }
  return instances.get(memory) ?? null
}
