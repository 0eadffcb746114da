import * as tf from '@tensorflow/tfjs-core'
import { wasmKernelFunc, wrappingReplacement, type KernelReplacement, type WasmBackendLike } from './shared.js'

/** BatchMatMul or _FusedMatMul with explicit transposes first: the original kernel always gets untransposed operands. */
function transposingFirst(kernelName: string): KernelReplacement {
  return wrappingReplacement(kernelName, (original) => (args) => {
    const attrs = args.attrs as { transposeA: boolean; transposeB: boolean }
    if (!attrs.transposeA && !attrs.transposeB) return original(args)
    const transpose = wasmKernelFunc('Transpose', kernelName)
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo }
    const flip = (t: tf.TensorInfo): tf.TensorInfo => {
      const rank = t.shape.length
      const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2]
      return transpose({ inputs: { x: t }, attrs: { perm }, backend: args.backend }) as tf.TensorInfo
    }
    const a2 = attrs.transposeA ? flip(a) : a
    const b2 = attrs.transposeB ? flip(b) : b
    try {
      return original({ ...args, inputs: { ...args.inputs, a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } })
    } finally {
      const backend = args.backend as unknown as WasmBackendLike
      if (a2 !== a) backend.disposeData(a2.dataId)
      if (b2 !== b) backend.disposeData(b2.dataId)
    }
  })
}

/**
 * tfjs-backend-wasm's matMul is several times slower when asked to transpose an operand (as every
 * backward pass does: dy·Wᵀ and xᵀ·dy) than when given the operand already transposed. These replace
 * the wasm kernels so transposes happen explicitly first: same result, one fast path.
 */
export const transposedMatMulReplacements: KernelReplacement[] = [transposingFirst('BatchMatMul'), transposingFirst('_FusedMatMul')]
