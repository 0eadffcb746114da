import * as tf from '@tensorflow/tfjs-core'
import { convGradInfo, type ConvGradAttrs, type WasmBackendLike } from './shared.js'
import { multiplyAddRows, type MultiplyAddRows } from './simd-rows.js'

/**
 * Calls `visit(xBase, dyBase, wBase, count, xStep)` for every run of a depthwise convolution's taps that
 * land inside the input: for one (sample, output row, kernel tap), the output pixels ox in [lo, hi) whose
 * input pixel exists. The bases are the first pixel's channel offsets (channels-last) and the tap's filter
 * row; along a run dy moves by outChannels and x by xStep. Both depthwise gradients are sums over runs.
 */
function forEachDepthwiseRun(info: tf.backend_util.Conv2DInfo, visit: (xBase: number, dyBase: number, wBase: number, count: number, xStep: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const { top, left } = info.padInfo
  const xStep = strideWidth * inChannels
  for (let kw = 0; kw < filterWidth; kw++) {
    // Output columns whose input column ox * sw + kw * dw - left lies inside [0, inWidth).
    const shift = kw * dilationWidth - left
    const lo = Math.min(outWidth, Math.max(0, Math.ceil(-shift / strideWidth)))
    const hi = Math.max(lo, Math.min(outWidth, Math.floor((inWidth - 1 - shift) / strideWidth) + 1))
    if (hi === lo) continue
    for (let kh = 0; kh < filterHeight; kh++) {
      const wBase = (kh * filterWidth + kw) * outChannels
      for (let b = 0; b < batchSize; b++) {
        for (let oy = 0; oy < outHeight; oy++) {
          const iy = oy * strideHeight - top + kh * dilationHeight
          if (iy < 0 || iy >= inHeight) continue
          visit(((b * inHeight + iy) * inWidth + lo * strideWidth + shift) * inChannels, ((b * outHeight + oy) * outWidth + lo) * outChannels, wBase, hi - lo, xStep)
        }
      }
    }
  }
}

/**
 * Depthwise filter gradient, NHWC input, filter [fh, fw, inChannels, multiplier], into `dW` (zeroed).
 * Output channel d = c * multiplier + q reads input channel c, so the filter flattens to [fh, fw, outChannels]:
 * dW[kh, kw, d] = sum over (b, y, x) of input[b, y*s + kh*dil - pad, x*s + kw*dil - pad, c] * dy[b, y, x, d].
 * JavaScript; the SIMD kernel below takes over where multiplier is 1.
 */
export function depthwiseConv2dFilterGradient(x: tf.backend_util.TypedArray, dy: tf.backend_util.TypedArray, info: tf.backend_util.Conv2DInfo, dW: tf.backend_util.TypedArray): void {
  const { inChannels, outChannels } = info
  const multiplier = outChannels / inChannels
  forEachDepthwiseRun(info, (xBase, dyBase, wBase, count, xStep) => {
    for (let i = 0; i < count; i++, xBase += xStep, dyBase += outChannels) {
      for (let c = 0, d = 0; c < inChannels; c++) {
        const xv = x[xBase + c]
        for (let q = 0; q < multiplier; q++, d++) dW[wBase + d] += xv * dy[dyBase + d]
      }
    }
  })
}

/**
 * Depthwise input gradient into `dx` (zeroed), the transpose of the forward pass: each dy[b, y, x, d]
 * (d = c * multiplier + q) scatters dy * w[kh, kw, c, q] back onto input[b, y*s + kh*dil - pad, x*s + kw*dil - pad, c].
 */
export function depthwiseConv2dInputGradient(dy: tf.backend_util.TypedArray, filter: tf.backend_util.TypedArray, info: tf.backend_util.Conv2DInfo, dx: tf.backend_util.TypedArray): void {
  const { inChannels, outChannels } = info
  const multiplier = outChannels / inChannels
  forEachDepthwiseRun(info, (xBase, dyBase, wBase, count, xStep) => {
    for (let i = 0; i < count; i++, xBase += xStep, dyBase += outChannels) {
      for (let c = 0, d = 0; c < inChannels; c++) {
        let sum = 0
        for (let q = 0; q < multiplier; q++, d++) sum += dy[dyBase + d] * filter[wBase + d]
        dx[xBase + c] += sum
      }
    }
  })
}

/**
 * Both gradients with multiplier 1 through the SIMD row kernel, one call per run, straight on the heap:
 * the filter gradient accumulates x * dy into the tap's row of dW (which stays put), the input gradient
 * dy * w into dx (which moves by the stride). Addresses are in bytes.
 */
function simdGradient(kind: 'filter' | 'input', rows: MultiplyAddRows, first: number, second: number, out: number, info: tf.backend_util.Conv2DInfo): void {
  const channels = info.inChannels
  forEachDepthwiseRun(info, (xBase, dyBase, wBase, count, xStep) => {
    if (kind === 'filter') rows(first + 4 * xBase, 4 * xStep, second + 4 * dyBase, 4 * channels, out + 4 * wBase, 0, count, channels)
    else rows(first + 4 * dyBase, 4 * channels, second + 4 * wBase, 0, out + 4 * xBase, 4 * xStep, count, channels)
  })
}

/**
 * A depthwise gradient kernel computed in place on the wasm heap: the output is zeroed, then
 * accumulated by the SIMD row kernel (multiplier 1) or by `compute` (JavaScript, any multiplier).
 */
function depthwiseKernel(
  kind: 'filter' | 'input',
  [first, second]: [string, string],
  shapes: (inputs: Record<string, tf.TensorInfo>, a: ConvGradAttrs) => { x: number[]; filter: number[]; out: number[] },
  compute: (a: tf.backend_util.TypedArray, b: tf.backend_util.TypedArray, info: tf.backend_util.Conv2DInfo, out: tf.backend_util.TypedArray) => void,
): tf.KernelConfig {
  const kernelName = kind === 'filter' ? 'DepthwiseConv2dNativeBackpropFilter' : 'DepthwiseConv2dNativeBackpropInput'
  const kernelFunc: tf.KernelFunc = ({ inputs, attrs, backend }) => {
    const tensors = inputs as Record<string, tf.TensorInfo>
    const { x, filter, out } = shapes(tensors, attrs as unknown as ConvGradAttrs)
    const info = convGradInfo(kernelName, x, filter, attrs as unknown as ConvGradAttrs, true)
    const wasm = backend as unknown as WasmBackendLike
    const result = wasm.makeOutput([...out], 'float32')
    // Views are taken after the allocation above, which may have grown (and so moved) the heap.
    const [a, b, target] = [tensors[first], tensors[second], result].map((t) => wasm.typedArrayFromHeap(t))
    target.fill(0)
    const rows = info.outChannels === info.inChannels ? multiplyAddRows(wasm) : null
    if (rows) simdGradient(kind, rows, a.byteOffset, b.byteOffset, target.byteOffset, info)
    else compute(a, b, info, target)
    return result
  }
  return { kernelName, backendName: 'wasm', kernelFunc }
}

/** tfjs-backend-wasm 4.22 has no depthwise gradient kernels: the ones above, as kernels. */
export const depthwiseGradientConfigs: tf.KernelConfig[] = [
  depthwiseKernel('filter', ['x', 'dy'], ({ x }, a) => ({ x: x.shape, filter: a.filterShape, out: a.filterShape }), depthwiseConv2dFilterGradient),
  depthwiseKernel('input', ['dy', 'filter'], ({ filter }, a) => ({ x: a.inputShape, filter: filter.shape, out: a.inputShape }), depthwiseConv2dInputGradient),
]
