// The module's kernels. Every pointer is a byte offset into the module's own memory; every array is
// float32 (int32 where named), row-major, images channels-last (NHWC). Kernels allocate nothing.
export * from './util'
export { columnSums, denseBackward, denseForward, matmul, matmulNT, matmulTN, transpose } from './matrix'
export { conv2dBackward, conv2dForward } from './conv'
export * from './layers-depthwise'
export * from './layers-depthwise-backward'
export * from './layers-batchnorm'
export * from './layers-activation'
export * from './layers-pool'
export * from './layers-loss'
export * from './layers-optimizers'
