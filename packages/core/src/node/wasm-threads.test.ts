import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { setupBackend } from '../backend.js'
import { stopThreadedWasm } from './wasm-threads.js'

afterAll(() => stopThreadedWasm())

async function product(): Promise<Float32Array> {
  const a = tf.tensor2d(Float32Array.from({ length: 256 * 192 }, (_, i) => Math.sin(i)), [256, 192])
  const b = tf.tensor2d(Float32Array.from({ length: 192 * 128 }, (_, i) => Math.cos(i)), [192, 128])
  const c = tf.matMul(a, b)
  const values = new Float32Array(await c.data())
  tf.dispose([a, b, c])
  return values
}

describe('threaded wasm in Node.js', () => {
  it('runs the threaded SIMD build with 2 threads, computes what one thread computes, and switches back', async () => {
    const single = await setupBackend('wasm')
    expect(single.threads).toBe(1)
    const expected = await product()
    const threaded = await setupBackend('wasm', { threads: 2 })
    expect(threaded).toEqual({ name: 'wasm', simd: true, threads: 2 })
    expect(await product()).toEqual(expected)
    const back = await setupBackend('wasm', { threads: 1 })
    expect(back.threads).toBe(1)
    expect(await product()).toEqual(expected)
  })
})
