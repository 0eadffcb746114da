import * as tf from '@tensorflow/tfjs-core'

/** The slice of the wasm backend's interface these kernels need. */
export interface WasmBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.TypedArray
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo
  /** A view of a tensor's memory on the wasm heap: valid until the next allocation (the heap may grow). */
  typedArrayFromHeap(t: tf.TensorInfo): tf.backend_util.TypedArray
  disposeData(dataId: tf.DataId): boolean
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

/** Registers a kernel for wasm unless the backend (or an earlier call) already has one. */
export function registerWasmKernelIfMissing(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm')) return
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc })
}

const wrapped = new Set<string>()

/**
 * Replaces the wasm kernel `kernelName` (once) by `make(original)`, keeping its setup and disposal.
 * Returns false when there is no such kernel to wrap.
 */
export function wrapWasmKernel(kernelName: string, make: (original: tf.KernelFunc) => tf.KernelFunc): boolean {
  const original = tf.getKernel(kernelName, 'wasm')
  if (!original) return false
  if (wrapped.has(kernelName)) return true
  tf.unregisterKernel(kernelName, 'wasm')
  tf.registerKernel({ ...original, kernelFunc: make(original.kernelFunc) })
  wrapped.add(kernelName)
  return true
}
