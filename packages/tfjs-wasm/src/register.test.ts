import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { describe, expect, it } from 'vitest'

const added = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']
const replaced = ['Conv2DBackpropInput', 'Tile', 'BatchMatMul', '_FusedMatMul', 'Sum', 'Mean', 'Identity', 'Transpose', 'MaxPoolGrad']

/** The wasm kernel registry as it stands: name -> the config object registered. */
const wasmKernels = () => new Map(tf.getKernelsForBackend('wasm').map((k) => [k.kernelName, k]))

/** The names of the kernels whose registered config is not the very object registered in `before`. */
const changedSince = (before: Map<string, tf.KernelConfig>): string[] => {
  const now = wasmKernels()
  return [...new Set([...before.keys(), ...now.keys()])].filter((name) => now.get(name) !== before.get(name))
}

describe('registerWasmKernels', () => {
  it('registers nothing on import, adds and replaces kernels on the call, and changes nothing on a second call', async () => {
    const stock = wasmKernels()
    const api = await import('./index.js')
    await import('./node/index.js')
    expect(changedSince(stock)).toEqual([]) // importing registered nothing
    for (const name of added) expect(stock.has(name)).toBe(false)

    const report = api.registerWasmKernels()
    expect(report).toEqual({ added, replaced })
    expect(changedSince(stock).sort()).toEqual([...added, ...replaced].sort())
    const first = wasmKernels()
    for (const name of added) expect(first.get(name)).toBe(api.wasmGradientKernels.find((k) => k.kernelName === name))
    for (const name of replaced) {
      // Replaced explicitly, keeping tfjs's setup and disposal (which bind the wasm functions the fallback calls).
      expect(first.get(name)).not.toBe(stock.get(name))
      expect([first.get(name)!.setupFunc, first.get(name)!.disposeFunc]).toEqual([stock.get(name)!.setupFunc, stock.get(name)!.disposeFunc])
    }

    expect(api.registerWasmKernels()).toEqual(report)
    expect(changedSince(first)).toEqual([]) // nothing registered or wrapped twice
  })

  it('leaves a kernel someone registered before it in place', async () => {
    const { registerWasmKernels } = await import('./index.js')
    const own: tf.KernelConfig = { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: 'wasm', kernelFunc: () => ({ dataId: {}, shape: [], dtype: 'float32' }) }
    tf.unregisterKernel(own.kernelName, 'wasm')
    tf.registerKernel(own)
    expect(registerWasmKernels().added).not.toContain(own.kernelName)
    expect(tf.getKernel(own.kernelName, 'wasm')).toBe(own)
  })
})
