import * as tf from '@tensorflow/tfjs-core'
import { wrappingReplacement, type KernelReplacement, type WasmBackendLike } from './shared.js'

/**
 * MaxPoolGrad on wasm searches, for every input pixel, every window that could hold it (over 50 ns an
 * element: as long as LeNet-5's convolution gradients). For windows that do not overlap and need no
 * padding (2x2 stride 2, valid, as LeNet's), each window's dy goes to its first largest input, one
 * pass over the input. Other pools go to the original kernel.
 */
export const fastMaxPoolGradReplacement: KernelReplacement = wrappingReplacement('MaxPoolGrad', (original) => (args) => {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo }
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' }
  if (input.shape.length !== 4 || input.dtype !== 'float32') return original(args)
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode)
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info
  const { top, left, bottom, right } = info.padInfo
  if (top || left || bottom || right || strideHeight < filterHeight || strideWidth < filterWidth) return original(args)
  const backend = args.backend as unknown as WasmBackendLike
  const dx = backend.makeOutput([...input.shape], 'float32')
  // Views are taken after the allocation above, which may have grown (and so moved) the heap.
  const [x, gradient, target] = [input, dy, dx].map((t) => backend.typedArrayFromHeap(t))
  target.fill(0)
  const row = inWidth * inChannels
  for (let b = 0, o = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const corner = ((b * inHeight + oy * strideHeight) * inWidth + ox * strideWidth) * inChannels
        for (let c = 0; c < inChannels; c++, o++) {
          let at = corner + c
          let max = x[at]
          for (let ky = 0; ky < filterHeight; ky++) {
            for (let kx = 0, i = corner + ky * row + c; kx < filterWidth; kx++, i += inChannels) {
              if (x[i] > max) {
                max = x[i]
                at = i
              }
            }
          }
          target[at] += gradient[o]
        }
      }
    }
  }
  return dx
})
