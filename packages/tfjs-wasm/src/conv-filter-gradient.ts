import * as tf from '@tensorflow/tfjs-core'
import { dyRows, fillTransposedPatches, samplesPerChunk } from './patches.js'
import { convGradInfo, runWasmKernel, wasmKernelFunc, type ConvGradAttrs, type WasmBackendLike } from './shared.js'

/** A 1x1 filter at stride 1 without padding: output pixel = input pixel. */
const isPointwise = (info: tf.backend_util.Conv2DInfo): boolean =>
  info.filterHeight === 1 && info.filterWidth === 1 && info.outHeight === info.inHeight && info.outWidth === info.inWidth && info.padInfo.top === 0 && info.padInfo.left === 0

/**
 * dW ([fh * fw * inChannels, outChannels]) of samples [first, first + batches): one matMul of the
 * transposed patch matrix, built on the wasm heap, by the matching rows of dy. Frees its intermediates.
 */
function filterGradientChunk(xPlanes: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, first: number, batches: number, backend: WasmBackendLike): tf.TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info
  const shape = [filterHeight * filterWidth * inChannels, batches * outHeight * outWidth]
  // A 1x1 convolution over the whole batch reads every pixel once, in order: the planes are the patches.
  const planesArePatches = batches === batchSize && isPointwise(info)
  const patches = planesArePatches ? runWasmKernel(wasmKernelFunc('Reshape', 'Conv2DBackpropFilter'), { x: xPlanes }, { shape }, backend) : backend.makeOutput(shape, 'float32')
  let gradient: tf.TensorInfo | undefined
  try {
    gradient = dyRows(dy, info, first, batches, backend, 'Conv2DBackpropFilter')
    // Views are taken after the allocations above, which may have grown (and so moved) the heap.
    if (!planesArePatches) fillTransposedPatches(backend.typedArrayFromHeap(xPlanes), backend.typedArrayFromHeap(patches), info, first, batches)
    return runWasmKernel(wasmKernelFunc('BatchMatMul', 'Conv2DBackpropFilter'), { a: patches, b: gradient }, { transposeA: false, transposeB: false }, backend)
  } finally {
    backend.disposeData(patches.dataId)
    if (gradient) backend.disposeData(gradient.dataId)
  }
}

/**
 * Conv2DBackpropFilter on the wasm backend as im2col + matMul: dW = patchesᵀ · dy, where patchesᵀ is
 * [fh * fw * inChannels, batch * outHeight * outWidth] and dy is [batch * outHeight * outWidth, outChannels].
 * The transposed patch matrix is built directly (so the matMul needs no transpose flag, wasm's slow
 * path), in chunks of whole samples of at most wasmConvGradientOptions.maxPatchBytes, whose
 * products are summed. Only the result survives: intermediates are freed with backend.disposeData.
 */
function conv2dFilterGradientWasm(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, filterShape: number[], backend: WasmBackendLike): tf.TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth } = info
  if (batchSize * outHeight * outWidth === 0) return backend.makeOutput([...filterShape], 'float32', undefined, new Float32Array(tf.util.sizeFromShape(filterShape)))
  const chunk = samplesPerChunk(info)
  // Channels-first input ([inChannels, batch, height, width]; one channel already is): each patch row reads one plane.
  const xPlanes = inChannels === 1 ? x : runWasmKernel(wasmKernelFunc('Transpose', 'Conv2DBackpropFilter'), { x }, { perm: [3, 0, 1, 2] }, backend)
  let result: tf.TensorInfo | undefined
  try {
    for (let first = 0; first < batchSize; first += chunk) {
      const product = filterGradientChunk(xPlanes, dy, info, first, Math.min(chunk, batchSize - first), backend)
      if (!result) {
        result = product
        continue
      }
      const sum = backend.typedArrayFromHeap(result) as Float32Array
      const part = backend.typedArrayFromHeap(product) as Float32Array
      for (let i = 0; i < sum.length; i++) sum[i] += part[i]
      backend.disposeData(product.dataId)
    }
  } catch (error) {
    if (result) backend.disposeData(result.dataId)
    throw error
  } finally {
    if (xPlanes !== x) backend.disposeData(xPlanes.dataId)
  }
  return { dataId: result!.dataId, shape: [...filterShape], dtype: 'float32' }
}

/** tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter: {@link conv2dFilterGradientWasm} as a kernel. */
export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo }
    const a = attrs as unknown as ConvGradAttrs
    const info = convGradInfo('Conv2DBackpropFilter', x.shape, a.filterShape, a, false)
    return conv2dFilterGradientWasm(x, dy, info, a.filterShape, backend as unknown as WasmBackendLike)
  },
}
