import * as tf from '@tensorflow/tfjs-core'
// tfjs's own wasm backend and kernels: the ones the replacements below are built from.
import '@tensorflow/tfjs-backend-wasm'
import { conv2dBackpropFilterConfig } from './conv-filter-gradient.js'
import { fastConvInputGradientReplacement } from './conv-input-gradient.js'
import { depthwiseGradientConfigs } from './depthwise.js'
import { sharedIdentityReplacement } from './identity.js'
import { leadingReductionReplacements } from './leading-sum.js'
import { fastMaxPoolGradReplacement } from './max-pool-grad.js'
import { transposedMatMulReplacements } from './matmul.js'
import type { KernelReplacement } from './shared.js'
import { fastTileReplacement } from './tile.js'
import { mergedTransposeReplacement } from './transpose.js'

// Marks the configs this package registered, across copies of it, so that a second call changes nothing.
const brand = Symbol.for('@prunekit/tfjs-wasm')
const branded = (config: tf.KernelConfig): tf.KernelConfig => Object.assign(config, { [brand]: true })
const isOurs = (config: tf.KernelConfig | undefined): boolean => config !== undefined && brand in config

/**
 * Kernels tfjs-backend-wasm 4.22 lacks, so Conv2D, DepthwiseConv2D and SeparableConv2D layers cannot
 * train on it: Conv2DBackpropFilter (im2col + one XNNPACK matMul) and the two depthwise gradients
 * (a WebAssembly SIMD kernel; JavaScript for depth multipliers above 1). {@link registerWasmKernels}
 * registers each only where the backend has none.
 */
export const wasmGradientKernels: readonly tf.KernelConfig[] = [conv2dBackpropFilterConfig, ...depthwiseGradientConfigs].map(branded)

/**
 * Faster versions of kernels tfjs-backend-wasm has: Conv2DBackpropInput (an XNNPACK convolution or
 * matMul instead of a plain C++ loop), Tile (memory copies for BatchNorm's gradient), BatchMatMul /
 * _FusedMatMul (explicit transposes instead of the slow transposed path), Sum and Mean over leading
 * axes (the SIMD row kernel instead of a transpose), Identity (shared memory instead of a copy),
 * Transpose (neighbouring axes merged) and MaxPoolGrad (one pass over non-overlapping windows).
 * Each is built from the original config and falls back to it.
 */
export const wasmKernelReplacements: readonly KernelReplacement[] = [
  fastConvInputGradientReplacement,
  fastTileReplacement,
  ...transposedMatMulReplacements,
  ...leadingReductionReplacements,
  sharedIdentityReplacement,
  mergedTransposeReplacement,
  fastMaxPoolGradReplacement,
]

/** What the wasm backend now runs of this package's kernels. */
export interface WasmKernelsReport {
  /** Kernels the backend lacked, now this package's. */
  added: string[]
  /** Kernels of tfjs-backend-wasm replaced by this package's faster versions. */
  replaced: string[]
}

/**
 * Registers this package's wasm kernels in tfjs's kernel registry; importing the package registers
 * nothing. Missing kernels are added; existing ones are replaced explicitly (unregistered, then
 * registered again with the original's setup and disposal). Calling it again changes nothing.
 */
export function registerWasmKernels(): WasmKernelsReport {
  for (const config of wasmGradientKernels) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config)
  }
  for (const replacement of wasmKernelReplacements) {
    const original = tf.getKernel(replacement.kernelName, replacement.backendName)
    if (!original || isOurs(original)) continue
    tf.unregisterKernel(replacement.kernelName, replacement.backendName)
    tf.registerKernel(branded(replacement.replace(original)))
  }
  const ours = (names: string[]) => names.filter((name) => isOurs(tf.getKernel(name, 'wasm')))
  return {
    added: ours(wasmGradientKernels.map((k) => k.kernelName)),
    replaced: ours(wasmKernelReplacements.map((k) => k.kernelName)),
  }
}
