import type { RadixPasses } from './selection-passes.js'
import { selectionWasmBase64 } from './selection-wasm-module.js'

/** Entries per copy into the module's memory, and byte addresses there (wasm/selection.wat's layout). */
const maxChunk = 65536
const [bitsAt, maskAt, positionsAt, listedBitsAt] = [262144, 524288, 589824, 851968]

interface SelectionModule {
  memory: WebAssembly.Memory
  above: WebAssembly.Global
  countHigh(n: number, signMask: number): void
  split(n: number, signMask: number, min: number, max: number, base: number): number
}

let compiled: SelectionModule | null | undefined

/** The one instance, made on first use; null where the engine has no WebAssembly SIMD (or a page forbids it). */
function selectionModule(): SelectionModule | null {
  if (compiled === undefined) {
    try {
      const bytes = Uint8Array.from(atob(selectionWasmBase64), (ch) => ch.charCodeAt(0))
      compiled = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as SelectionModule
    } catch {
      compiled = null
    }
  }
  return compiled
}

/**
 * The select's passes over every score in WebAssembly SIMD, about 3x the JavaScript ones: each array
 * is copied into the module's 1.1 MB memory `chunk` entries at a time (cheap beside the passes; the
 * weights stay where they are). Null where WebAssembly SIMD cannot run. `chunk` (up to 65536) is
 * smaller only in tests.
 */
export function wasmRadixPasses(chunk = maxChunk): RadixPasses | null {
  const module = selectionModule()
  if (!module || chunk < 1 || chunk > maxChunk) return null
  const heap = module.memory.buffer
  const [bits32, counts32, masks8, positions32, listedBits32] = [
    new Int32Array(heap, bitsAt, maxChunk),
    new Uint32Array(heap, 0, 65536),
    new Uint8Array(heap, maskAt, maxChunk),
    new Int32Array(heap, positionsAt, maxChunk),
    new Int32Array(heap, listedBitsAt, maxChunk),
  ]
  return {
    countHigh(bits, signMask, counts) {
      counts32.fill(0)
      for (let at = 0; at < bits.length; at += chunk) {
        const n = Math.min(chunk, bits.length - at)
        bits32.set(bits.subarray(at, at + n))
        module.countHigh(n, signMask)
      }
      for (let b = 0; b < 65536; b++) counts[b] += counts32[b]
    },
    split(bits, signMask, mask, cut) {
      for (let at = 0; at < bits.length; at += chunk) {
        const n = Math.min(chunk, bits.length - at)
        bits32.set(bits.subarray(at, at + n))
        const listed = module.split(n, signMask, cut.min, cut.max, at)
        if (cut.listed + listed > cut.positions.length) return false
        mask.set(masks8.subarray(0, n), at)
        cut.positions.set(positions32.subarray(0, listed), cut.listed)
        cut.bits?.set(listedBits32.subarray(0, listed), cut.listed)
        cut.listed += listed
        cut.above += module.above.value as number
      }
      return true
    },
  }
}
