import * as tf from '@tensorflow/tfjs-core'
import { copyOnHeap, runWasmKernel, wasmKernelFunc, type WasmBackendLike } from './shared.js'

/** Tuning of the wasm Conv2DBackpropFilter and (strided) Conv2DBackpropInput kernels. Mutable, for tests and experiments. */
export const wasmConvGradientOptions = {
  /**
   * Largest patch matrix (fh * fw * inChannels by samples * outHeight * outWidth float32s, in bytes)
   * built at once; larger batches are processed in chunks of whole samples (at least one).
   */
  maxPatchBytes: 64 * 1024 * 1024,
}

/**
 * Fills `patches` ([filterHeight * filterWidth * inChannels, batches * outHeight * outWidth], row-major)
 * with the transposed im2col matrix of samples [firstBatch, firstBatch + batches) of `x`:
 * patches[(kh * fw + kw) * inChannels + ci, (b * outHeight + oy) * outWidth + ox] =
 * x[firstBatch + b, oy * sh + kh * dh - top, ox * sw + kw * dw - left, ci], zero where that is padding.
 * `x` is channels-first ([inChannels, batch, inHeight, inWidth]): every patch row then reads one plane.
 * `x` and `patches` may be views of one buffer (the wasm heap), as long as they do not overlap.
 */
export function fillTransposedPatches(
  x: Float32Array | tf.backend_util.TypedArray,
  patches: Float32Array | tf.backend_util.TypedArray,
  info: tf.backend_util.Conv2DInfo,
  firstBatch: number,
  batches: number,
): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const { top, left } = info.padInfo
  const cols = batches * outHeight * outWidth
  const plane = inHeight * inWidth
  // Stride 1 with the input's width (e.g. 'same'): a tap's rows are one contiguous, shifted run of the
  // plane, so each (tap, channel, sample) is a single memmove, then the wrapped-around edges are zeroed.
  const wholePlanes = strideHeight === 1 && strideWidth === 1 && outWidth === inWidth
  const shared = x.buffer === patches.buffer
  const heap = shared ? new Float32Array(x.buffer) : undefined
  const xAt = x.byteOffset / 4
  const patchesAt = patches.byteOffset / 4
  const copy = (to: number, from: number, count: number) => {
    if (count <= 0) return
    if (heap) heap.copyWithin(patchesAt + to, xAt + from, xAt + from + count)
    else patches.set(x.subarray(from, from + count), to)
  }
  for (let kh = 0; kh < filterHeight; kh++) {
    const rowShift = kh * dilationHeight - top
    const oyLo = Math.min(outHeight, Math.max(0, Math.ceil(-rowShift / strideHeight)))
    const oyHi = Math.max(oyLo, Math.min(outHeight, Math.floor((inHeight - 1 - rowShift) / strideHeight) + 1))
    for (let kw = 0; kw < filterWidth; kw++) {
      // Output columns whose input column ox * sw + kw * dw - left lies inside [0, inWidth).
      const shift = kw * dilationWidth - left
      const oxLo = Math.min(outWidth, Math.max(0, Math.ceil(-shift / strideWidth)))
      const oxHi = Math.max(oxLo, Math.min(outWidth, Math.floor((inWidth - 1 - shift) / strideWidth) + 1))
      for (let ci = 0; ci < inChannels; ci++) {
        let d = ((kh * filterWidth + kw) * inChannels + ci) * cols
        for (let b = 0; b < batches; b++, d += outHeight * outWidth) {
          const planeBase = (ci * batchSize + firstBatch + b) * plane
          if (oyLo > 0) patches.fill(0, d, d + oyLo * outWidth)
          if (oyHi < outHeight) patches.fill(0, d + oyHi * outWidth, d + outHeight * outWidth)
          if (wholePlanes) {
            // patches[d + oy * w + ox] = x[planeBase + (oy + rowShift) * w + ox + shift] for oy in [oyLo, oyHi),
            // clipped to the plane: whatever is clipped or wraps around lies outside [oxLo, oxHi), zeroed below.
            const from = Math.max(planeBase, planeBase + (oyLo + rowShift) * inWidth + shift)
            const end = Math.min(planeBase + plane, planeBase + (oyHi + rowShift) * inWidth + shift)
            copy(d + oyLo * outWidth + from - (planeBase + (oyLo + rowShift) * inWidth + shift), from, end - from)
          }
          for (let oy = oyLo; oy < oyHi; oy++) {
            const row = d + oy * outWidth
            for (let ox = 0; ox < oxLo; ox++) patches[row + ox] = 0
            for (let ox = oxHi; ox < outWidth; ox++) patches[row + ox] = 0
            if (wholePlanes) continue
            const iy = oy * strideHeight + rowShift
            for (let ox = oxLo, src = planeBase + iy * inWidth + oxLo * strideWidth + shift; ox < oxHi; ox++, src += strideWidth) patches[row + ox] = x[src]
          }
        }
      }
    }
  }
}

/** Samples [first, first + batches) of dy as a [rows, outChannels] matrix: dy itself reshaped, or a copy of its rows. */
export function dyRows(dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, first: number, batches: number, backend: WasmBackendLike, user: string): tf.TensorInfo {
  const { batchSize, outHeight, outWidth, outChannels } = info
  const rows = batches * outHeight * outWidth
  if (batches === batchSize) return runWasmKernel(wasmKernelFunc('Reshape', user), { x: dy }, { shape: [rows, outChannels] }, backend) // shares dy's memory
  const part = backend.makeOutput([rows, outChannels], 'float32')
  copyOnHeap(backend, dy, first * outHeight * outWidth * outChannels, part, 0, rows * outChannels)
  return part
}

/** Samples per chunk so that a [fh * fw * inChannels, samples * outHeight * outWidth] float32 matrix fits in maxPatchBytes. */
export function samplesPerChunk(info: tf.backend_util.Conv2DInfo): number {
  const { batchSize, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info
  const bytesPerSample = filterHeight * filterWidth * inChannels * outHeight * outWidth * 4
  return Math.max(1, Math.min(batchSize, Math.floor(wasmConvGradientOptions.maxPatchBytes / bytesPerSample)))
}
