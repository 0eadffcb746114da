import * as tf from '@tensorflow/tfjs-core'
import { dyRows, samplesPerChunk } from './patches.js'
import { convGradInfo, runWasmKernel, wasmKernelFunc, wrappingReplacement, type ConvGradAttrs, type KernelReplacement, type WasmBackendLike } from './shared.js'

/**
 * Conv2DBackpropInput with stride 1 as a forward convolution, which XNNPACK runs many times faster than
 * tfjs-backend-wasm's own loop: dx = conv(dy, the filter rotated 180° with its channel axes swapped,
 * stride 1, padding fh - 1 - top etc.). Returns null when that padding would be negative (explicit
 * paddings wider than the filter).
 */
function inputGradientByConvolution(dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackendLike): tf.TensorInfo | null {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, dilationHeight, dilationWidth } = info
  const top = (filterHeight - 1) * dilationHeight - info.padInfo.top
  const left = (filterWidth - 1) * dilationWidth - info.padInfo.left
  const bottom = inHeight - outHeight - top + (filterHeight - 1) * dilationHeight
  const right = inWidth - outWidth - left + (filterWidth - 1) * dilationWidth
  if (Math.min(top, left, bottom, right) < 0) return null
  const flipped = backend.makeOutput([filterHeight, filterWidth, outChannels, inChannels], 'float32')
  try {
    const w = backend.typedArrayFromHeap(filter)
    const f = backend.typedArrayFromHeap(flipped)
    for (let kh = 0, o = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        const tap = ((filterHeight - 1 - kh) * filterWidth + (filterWidth - 1 - kw)) * inChannels * outChannels
        for (let co = 0; co < outChannels; co++) {
          for (let ci = 0; ci < inChannels; ci++) f[o++] = w[tap + ci * outChannels + co]
        }
      }
    }
    const pad: tf.backend_util.ExplicitPadding = [[0, 0], [top, bottom], [left, right], [0, 0]]
    const attrs = { strides: 1, pad, dilations: [dilationHeight, dilationWidth], dataFormat: 'NHWC' } as unknown as tf.NamedAttrMap
    return runWasmKernel(wasmKernelFunc('Conv2D', 'Conv2DBackpropInput'), { x: dy, filter: flipped }, attrs, backend)
  } finally {
    backend.disposeData(flipped.dataId)
  }
}

/**
 * Conv2DBackpropInput as matMul + col2im, for strides > 1 (where the convolution above would run on a
 * stride-dilated dy, mostly zeros): per chunk of samples, the patch gradients dy · Wᵀ
 * ([rows, fh * fw * inChannels], one matMul) are added back onto the input pixels they were read from.
 */
function inputGradientByCol2im(dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackendLike): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const { top, left } = info.padInfo
  const taps = filterHeight * filterWidth * inChannels
  const chunk = samplesPerChunk(info)
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32')
  let filterT: tf.TensorInfo | undefined
  try {
    filterT = backend.makeOutput([outChannels, taps], 'float32')
    const w = backend.typedArrayFromHeap(filter)
    const wT = backend.typedArrayFromHeap(filterT)
    for (let r = 0; r < taps; r++) for (let co = 0; co < outChannels; co++) wT[co * taps + r] = w[r * outChannels + co]
    backend.typedArrayFromHeap(dx).fill(0)
    for (let first = 0; first < batchSize; first += chunk) {
      const batches = Math.min(chunk, batchSize - first)
      const gradient = dyRows(dy, info, first, batches, backend, 'Conv2DBackpropInput')
      let columns: tf.TensorInfo
      try {
        columns = runWasmKernel(wasmKernelFunc('BatchMatMul', 'Conv2DBackpropInput'), { a: gradient, b: filterT }, { transposeA: false, transposeB: false }, backend)
      } finally {
        backend.disposeData(gradient.dataId)
      }
      const c = backend.typedArrayFromHeap(columns)
      const d = backend.typedArrayFromHeap(dx)
      for (let b = 0, row = 0; b < batches; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          for (let ox = 0; ox < outWidth; ox++, row += taps) {
            for (let kh = 0; kh < filterHeight; kh++) {
              const iy = oy * strideHeight + kh * dilationHeight - top
              if (iy < 0 || iy >= inHeight) continue
              for (let kw = 0; kw < filterWidth; kw++) {
                const ix = ox * strideWidth + kw * dilationWidth - left
                if (ix < 0 || ix >= inWidth) continue
                const target = (((first + b) * inHeight + iy) * inWidth + ix) * inChannels
                const source = row + (kh * filterWidth + kw) * inChannels
                for (let ci = 0; ci < inChannels; ci++) d[target + ci] += c[source + ci]
              }
            }
          }
        }
      }
      backend.disposeData(columns.dataId)
    }
  } catch (error) {
    backend.disposeData(dx.dataId)
    throw error
  } finally {
    if (filterT) backend.disposeData(filterT.dataId)
  }
  return dx
}

/** Conv2DBackpropInput on wasm, channels-last: a forward convolution for stride 1, matMul + col2im otherwise. */
function conv2dInputGradientWasm(dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackendLike): tf.TensorInfo {
  if (tf.util.sizeFromShape(dy.shape) === 0) return backend.makeOutput(info.inShape, 'float32', undefined, new Float32Array(tf.util.sizeFromShape(info.inShape)))
  const unitStride = info.strideHeight === 1 && info.strideWidth === 1
  return (unitStride ? inputGradientByConvolution(dy, filter, info, backend) : null) ?? inputGradientByCol2im(dy, filter, info, backend)
}

/**
 * tfjs-backend-wasm's Conv2DBackpropInput is a plain C++ loop, about ten times slower than XNNPACK's
 * forward convolution of the same size. This replacement routes channels-last calls through
 * {@link conv2dInputGradientWasm} (XNNPACK convolution or matMul); NCHW ones keep the original kernel.
 */
export const fastConvInputGradientReplacement: KernelReplacement = wrappingReplacement('Conv2DBackpropInput', (original) => (args) => {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo }
  const a = args.attrs as unknown as ConvGradAttrs
  if (a.dataFormat === 'NCHW' || a.inputShape.length !== 4 || filter.shape.length !== 4 || dy.shape.length !== 4 || dy.dtype !== 'float32') return original(args)
  const info = convGradInfo('Conv2DBackpropInput', a.inputShape, filter.shape, a, false)
  return conv2dInputGradientWasm(dy, filter, info, args.backend as unknown as WasmBackendLike)
})
