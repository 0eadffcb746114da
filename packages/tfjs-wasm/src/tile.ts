import * as tf from '@tensorflow/tfjs-core'
import { wrappingReplacement, type KernelReplacement, type WasmBackendLike } from './shared.js'

/**
 * Tile on wasm copies element by element through a generic index loop (about 50 ns an element): the
 * BatchNorm gradient's tile of [1, 1, 1, C] to the activation shape cost as much as a convolution.
 * When the output is just the input repeated end to end (every axis before the last tiled one has
 * size 1, as there), this fills it by doubling memmoves instead; other tiles go to the original kernel.
 */
export const fastTileReplacement: KernelReplacement = wrappingReplacement('Tile', (original) => (args) => {
  const { x } = args.inputs as { x: tf.TensorInfo }
  const { reps } = args.attrs as unknown as { reps: number[] }
  const last = reps.reduce((at, r, i) => (r > 1 ? i : at), -1)
  if (x.dtype === 'string' || reps.length !== x.shape.length || x.shape.slice(0, Math.max(last, 0)).some((d) => d !== 1)) return original(args)
  const backend = args.backend as unknown as WasmBackendLike
  const out = backend.makeOutput(x.shape.map((d, i) => d * reps[i]), x.dtype)
  const source = backend.typedArrayFromHeap(x)
  const target = backend.typedArrayFromHeap(out)
  const bytes = source.byteLength
  if (bytes === 0 || target.byteLength === 0) return out
  const heap = new Uint8Array(target.buffer)
  heap.copyWithin(target.byteOffset, source.byteOffset, source.byteOffset + bytes)
  for (let filled = bytes; filled < target.byteLength; filled *= 2) {
    heap.copyWithin(target.byteOffset + filled, target.byteOffset, target.byteOffset + Math.min(filled, target.byteLength - filled))
  }
  return out
})
