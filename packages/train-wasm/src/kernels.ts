import type { LayerKernels } from './kernels-layers.js'
import type { MatrixKernels } from './kernels-matrix.js'

/** Small helpers over float arrays. */
export interface UtilKernels {
  /** dst[i] *= mask[i] for n floats. */
  multiplyInPlace(dst: number, mask: number, n: number): void
  /** dst[i] = 0 for n floats. */
  zero(dst: number, n: number): void
  /** dst[i] += src[i] for n floats. */
  addInPlace(dst: number, src: number, n: number): void
  /** dst[i] = src[i] for n floats. */
  copy(dst: number, src: number, n: number): void
  /** y[r, c] += bias[c] over rows x channels. */
  biasAdd(y: number, bias: number, rows: number, channels: number): void
}

/** The exports of the module compiled from asm/ (pointers are byte offsets into its memory). */
export type Kernels = UtilKernels & MatrixKernels & LayerKernels
