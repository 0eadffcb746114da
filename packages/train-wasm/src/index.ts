export { Heap, trainWasmSupported } from './module.js'
export type { Kernels, UtilKernels } from './kernels.js'
export type { LayerKernels } from './kernels-layers.js'
export type { MatrixKernels } from './kernels-matrix.js'
