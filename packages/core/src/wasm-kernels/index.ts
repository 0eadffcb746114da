import { registerWasmConvFilterGradient } from './conv-filter-gradient.js'
import { ensureWasmFastConvInputGradient } from './conv-input-gradient.js'
import { registerWasmDepthwiseGradients } from './depthwise.js'
import { ensureWasmFastTile } from './tile.js'

export { depthwiseConv2dFilterGradient, depthwiseConv2dInputGradient } from './depthwise.js'
export { ensureWasmFastConvInputGradient } from './conv-input-gradient.js'
export { ensureWasmFastTransposedMatMul } from './matmul.js'
export { fillTransposedPatches, wasmConvGradientOptions } from './patches.js'
export { addedWasmKernels } from './shared.js'
export { ensureWasmFastTile } from './tile.js'

/**
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter or
 * DepthwiseConv2dNativeBackpropInput kernel, so Conv2D and DepthwiseConv2D (and SeparableConv2D)
 * layers cannot train on it. This registers implementations for the wasm backend (each once, and
 * only if missing): Conv2DBackpropFilter as im2col + XNNPACK matMul, the depthwise ones in JavaScript.
 * It also speeds up the rest of the conv-bn training path: Conv2DBackpropInput and Tile (see
 * {@link ensureWasmFastConvInputGradient} and {@link ensureWasmFastTile}).
 */
export function ensureWasmConvGradient(): void {
  ensureWasmFastConvInputGradient()
  ensureWasmFastTile()
  registerWasmConvFilterGradient()
  registerWasmDepthwiseGradients()
}
