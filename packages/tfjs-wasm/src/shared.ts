import * as tf from '@tensorflow/tfjs-core'

/** The slice of the wasm backend's interface these kernels need. */
export interface WasmBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.TypedArray
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo
  /** A view of a tensor's memory on the wasm heap: valid until the next allocation (the heap may grow). */
  typedArrayFromHeap(t: tf.TensorInfo): tf.backend_util.TypedArray
  disposeData(dataId: tf.DataId): boolean
}

type Shape4 = [number, number, number, number]

/** The attributes tfjs passes to the convolution gradient kernels; `dilations` is honoured where a caller adds it. */
export interface ConvGradAttrs {
  strides: [number, number] | number
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding
  dataFormat?: 'NHWC' | 'NCHW'
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  dilations?: [number, number] | number
  /** The filter gradient kernels' output shape. */
  filterShape: Shape4
  /** The input gradient kernels' output shape. */
  inputShape: Shape4
}

/** The geometry of a channels-last convolution gradient kernel; NCHW and other ranks are refused by name. */
export function convGradInfo(kernelName: string, xShape: number[], filterShape: number[], a: ConvGradAttrs, depthwise: boolean): tf.backend_util.Conv2DInfo {
  if (a.dataFormat === 'NCHW') throw new Error(`${kernelName} on wasm supports channels-last (NHWC) data only.`)
  if (xShape.length !== 4 || filterShape.length !== 4) throw new Error(`${kernelName} on wasm expects rank-4 input and filter, got shapes [${xShape}] and [${filterShape}].`)
  return tf.backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise, 'channelsLast')
}

export function wasmKernelFunc(kernelName: string, user: string): tf.KernelFunc {
  const kernel = tf.getKernel(kernelName, 'wasm')
  if (!kernel) throw new Error(`${user} on wasm needs the wasm ${kernelName} kernel.`)
  return kernel.kernelFunc
}

export function runWasmKernel(kernelFunc: tf.KernelFunc, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, backend: WasmBackendLike): tf.TensorInfo {
  return kernelFunc({ inputs, attrs, backend: backend as unknown as tf.KernelBackend }) as tf.TensorInfo
}

/** Copies `count` floats between tensors on the wasm heap (memmove; no host copy). */
export function copyOnHeap(backend: WasmBackendLike, from: tf.TensorInfo, fromIndex: number, to: tf.TensorInfo, toIndex: number, count: number): void {
  const source = backend.typedArrayFromHeap(from) as Float32Array
  const target = backend.typedArrayFromHeap(to) as Float32Array
  const heap = new Float32Array(source.buffer)
  const at = (view: Float32Array, index: number) => view.byteOffset / 4 + index
  heap.copyWithin(at(target, toIndex), at(source, fromIndex), at(source, fromIndex) + count)
}

/**
 * A faster version of a kernel tfjs-backend-wasm already has. It is built from that original config:
 * it keeps the original's setup and disposal and calls the original wherever it has no faster path.
 */
export interface KernelReplacement {
  kernelName: string
  backendName: 'wasm'
  replace(original: tf.KernelConfig): tf.KernelConfig
}

/** A replacement of the wasm kernel `kernelName` whose kernel function is `make(original kernel function)`. */
export function wrappingReplacement(kernelName: string, make: (original: tf.KernelFunc) => tf.KernelFunc): KernelReplacement {
  return { kernelName, backendName: 'wasm', replace: (original) => ({ ...original, kernelFunc: make(original.kernelFunc) }) }
}
