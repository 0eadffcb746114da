import * as tf from '@tensorflow/tfjs-core'
import { stopThreadedWasm } from '@prunekit/tfjs-wasm/node'
import { afterAll, describe, expect, it } from 'vitest'
import { setupBackend } from './backend.js'

afterAll(() => stopThreadedWasm())

describe('setupBackend', () => {
  it('starts wasm with @prunekit/tfjs-wasm\'s kernels and reports SIMD and threads, opt-in threads included', async () => {
    expect(await setupBackend('wasm')).toEqual({ name: 'wasm', simd: true, threads: 1 })
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined() // tfjs-backend-wasm 4.22 has none
    expect(await setupBackend('wasm', { threads: 2 })).toEqual({ name: 'wasm', simd: true, threads: 2 })
    expect(await setupBackend('wasm', { threads: 1 })).toEqual({ name: 'wasm', simd: true, threads: 1 })
    expect(await setupBackend('cpu')).toEqual({ name: 'cpu', simd: false, threads: 1 })
  })
})
