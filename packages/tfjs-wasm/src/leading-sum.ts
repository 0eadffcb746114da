import * as tf from '@tensorflow/tfjs-core'
import { wrappingReplacement, type KernelReplacement, type WasmBackendLike } from './shared.js'
import { multiplyAddRows } from './simd-rows.js'

/** How many leading axes a reduction over `axis` folds, when it folds only leading ones and leaves some: else 0. */
function leadingAxes(shape: number[], axis: number | number[]): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((a, b) => a - b)
  return axes.length < shape.length && axes.every((a, i) => a === i) ? axes.length : 0
}

/**
 * Sum or Mean over the leading axes of a float32 tensor (BatchNorm's statistics and gradients, bias
 * gradients: NHWC over [0, 1, 2]). tfjs-backend-wasm transposes the reduced axes innermost first, a
 * slow index loop; this adds the rows instead, f32x4 at a time (the SIMD row kernel against a row of
 * ones). Other reductions, and heaps the kernel cannot reach, go to the original.
 */
function leadingReduction(kernelName: 'Sum' | 'Mean'): KernelReplacement {
  return wrappingReplacement(kernelName, (original) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo }
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean }
    const folded = x.dtype === 'float32' ? leadingAxes(x.shape, axis) : 0
    const rows = tf.util.sizeFromShape(x.shape.slice(0, folded))
    const backend = args.backend as unknown as WasmBackendLike
    const multiplyAdd = folded > 0 && rows > 0 ? multiplyAddRows(backend) : null
    if (!multiplyAdd) return original(args)
    const columns = tf.util.sizeFromShape(x.shape.slice(folded))
    const out = backend.makeOutput(keepDims ? x.shape.map((d, i) => (i < folded ? 1 : d)) : x.shape.slice(folded), 'float32')
    const ones = backend.makeOutput([columns], 'float32')
    try {
      const [source, target, one] = [x, out, ones].map((t) => backend.typedArrayFromHeap(t))
      target.fill(0)
      one.fill(1)
      multiplyAdd(source.byteOffset, 4 * columns, one.byteOffset, 0, target.byteOffset, 0, rows, columns)
      if (kernelName === 'Mean') for (let i = 0; i < columns; i++) target[i] /= rows
      return out
    } finally {
      backend.disposeData(ones.dataId)
    }
  })
}

export const leadingReductionReplacements: KernelReplacement[] = [leadingReduction('Sum'), leadingReduction('Mean')]
