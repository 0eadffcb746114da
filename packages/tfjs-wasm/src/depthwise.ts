import * as tf from '@tensorflow/tfjs-core'
import { convGradInfo, type ConvGradAttrs, type WasmBackendLike } from './shared.js'

/**
 * Calls `visit(xBase, dyBase, wBase)` for every (output pixel, kernel tap) of a depthwise convolution
 * that lands inside the input: the offsets of the input pixel's channels, the output pixel's channels
 * and the tap's filter row, all channels-last. Both depthwise gradients are a sum over these taps.
 */
function forEachDepthwiseTap(info: tf.backend_util.Conv2DInfo, visit: (xBase: number, dyBase: number, wBase: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const { top, left } = info.padInfo
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let kh = 0; kh < filterHeight; kh++) {
        const iy = oy * strideHeight - top + kh * dilationHeight
        if (iy < 0 || iy >= inHeight) continue
        for (let ox = 0; ox < outWidth; ox++) {
          const dyBase = ((b * outHeight + oy) * outWidth + ox) * outChannels
          for (let kw = 0; kw < filterWidth; kw++) {
            const ix = ox * strideWidth - left + kw * dilationWidth
            if (ix < 0 || ix >= inWidth) continue
            visit(((b * inHeight + iy) * inWidth + ix) * inChannels, dyBase, (kh * filterWidth + kw) * outChannels)
          }
        }
      }
    }
  }
}

/**
 * Depthwise filter gradient, NHWC input, filter [fh, fw, inChannels, multiplier]. Output channel
 * d = c * multiplier + q reads input channel c, so the filter flattens to [fh, fw, outChannels]:
 * dW[kh, kw, d] = sum over (b, y, x) of input[b, y*s + kh*dil - pad, x*s + kw*dil - pad, c] * dy[b, y, x, d].
 */
export function depthwiseConv2dFilterGradient(
  x: Float32Array | tf.backend_util.TypedArray,
  dy: Float32Array | tf.backend_util.TypedArray,
  info: tf.backend_util.Conv2DInfo,
): Float64Array {
  const { inChannels, outChannels, filterHeight, filterWidth } = info
  const multiplier = outChannels / inChannels
  const dW = new Float64Array(filterHeight * filterWidth * outChannels)
  forEachDepthwiseTap(info, (xBase, dyBase, wBase) => {
    if (multiplier === 1) {
      for (let c = 0; c < inChannels; c++) dW[wBase + c] += x[xBase + c] * dy[dyBase + c]
      return
    }
    for (let c = 0, d = 0; c < inChannels; c++) {
      const xv = x[xBase + c]
      for (let q = 0; q < multiplier; q++, d++) dW[wBase + d] += xv * dy[dyBase + d]
    }
  })
  return dW
}

/**
 * Depthwise input gradient, the transpose of the forward pass: each dy[b, y, x, d] (d = c * multiplier + q)
 * scatters dy * w[kh, kw, c, q] back onto input[b, y*s + kh*dil - pad, x*s + kw*dil - pad, c].
 */
export function depthwiseConv2dInputGradient(
  dy: Float32Array | tf.backend_util.TypedArray,
  filter: Float32Array | tf.backend_util.TypedArray,
  info: tf.backend_util.Conv2DInfo,
): Float64Array {
  const { batchSize, inHeight, inWidth, inChannels, outChannels } = info
  const multiplier = outChannels / inChannels
  const dx = new Float64Array(batchSize * inHeight * inWidth * inChannels)
  forEachDepthwiseTap(info, (xBase, dyBase, wBase) => {
    if (multiplier === 1) {
      for (let c = 0; c < inChannels; c++) dx[xBase + c] += dy[dyBase + c] * filter[wBase + c]
      return
    }
    for (let c = 0, d = 0; c < inChannels; c++) {
      let sum = 0
      for (let q = 0; q < multiplier; q++, d++) sum += dy[dyBase + d] * filter[wBase + d]
      dx[xBase + c] += sum
    }
  })
  return dx
}

/** A depthwise gradient kernel computed on the host: `compute(first, second, info)` over the inputs' values. */
function depthwiseKernel(
  kernelName: string,
  [first, second]: [string, string],
  shapes: (inputs: Record<string, tf.TensorInfo>, a: ConvGradAttrs) => { x: number[]; filter: number[]; out: number[] },
  compute: (a: tf.backend_util.TypedArray, b: tf.backend_util.TypedArray, info: tf.backend_util.Conv2DInfo) => Float64Array,
): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const tensors = inputs as Record<string, tf.TensorInfo>
    const { x, filter, out } = shapes(tensors, attrs as unknown as ConvGradAttrs)
    const info = convGradInfo(kernelName, x, filter, attrs as unknown as ConvGradAttrs, true)
    const wasm = backend as unknown as WasmBackendLike
    const values = compute(wasm.readSync(tensors[first].dataId), wasm.readSync(tensors[second].dataId), info)
    return wasm.makeOutput([...out], 'float32', undefined, new Float32Array(values))
  }
  return { kernelName, backendName: 'wasm', kernelFunc }
}

/** tfjs-backend-wasm 4.22 has no depthwise gradient kernels: the JavaScript ones above, as kernels. */
export const depthwiseGradientConfigs: tf.KernelConfig[] = [
  depthwiseKernel('DepthwiseConv2dNativeBackpropFilter', ['x', 'dy'], ({ x }, a) => ({ x: x.shape, filter: a.filterShape, out: a.filterShape }), depthwiseConv2dFilterGradient),
  depthwiseKernel('DepthwiseConv2dNativeBackpropInput', ['dy', 'filter'], ({ filter }, a) => ({ x: a.inputShape, filter: filter.shape, out: a.inputShape }), depthwiseConv2dInputGradient),
]
