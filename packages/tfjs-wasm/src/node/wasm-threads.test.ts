import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-wasm'
import { afterAll, describe, expect, it } from 'vitest'
import { registerSingleThreadedWasm, registerThreadedWasm, stopThreadedWasm } from './wasm-threads.js'

afterAll(() => stopThreadedWasm())

async function product(): Promise<Float32Array> {
  const a = tf.tensor2d(Float32Array.from({ length: 256 * 192 }, (_, i) => Math.sin(i)), [256, 192])
  const b = tf.tensor2d(Float32Array.from({ length: 192 * 128 }, (_, i) => Math.cos(i)), [192, 128])
  const c = tf.matMul(a, b)
  const values = new Float32Array(await c.data())
  tf.dispose([a, b, c])
  return values
}

/** Starts the wasm backend as registered now, and reads its SIMD support and thread count. */
async function startWasm(): Promise<{ simd: boolean; threads: number }> {
  expect(await tf.setBackend('wasm')).toBe(true)
  await tf.ready()
  const module = (tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } }).wasm
  return { simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), threads: module.tfjs.getThreadsCount() }
}

describe('threaded wasm in Node.js', () => {
  it('runs the threaded SIMD build with 2 threads, computes what one thread computes, and switches back', async () => {
    expect(await startWasm()).toEqual({ simd: true, threads: 1 })
    const expected = await product()
    await registerThreadedWasm(2)
    expect(await startWasm()).toEqual({ simd: true, threads: 2 })
    expect(await product()).toEqual(expected)
    registerSingleThreadedWasm()
    expect(await startWasm()).toEqual({ simd: true, threads: 1 })
    expect(await product()).toEqual(expected)
  })
})
