import '@tensorflow/tfjs-backend-cpu'
// Importing tfjs-layers registers every op's gradient (tfjs-core registers them only on request).
import '@tensorflow/tfjs-layers'
import * as tf from '@tensorflow/tfjs-core'
import { afterEach, beforeEach, expect } from 'vitest'
import { Heap } from '../src/module.js'

/** tfjs on its cpu backend: the reference every kernel is compared with. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu')
  await tf.ready()
}

/** Fails a test that leaves tfjs tensors behind (call at the top of a test file). */
export function checkTensorLeaks(): void {
  let before = 0
  beforeEach(() => {
    before = tf.memory().numTensors
  })
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors left by the test').toBe(before)
  })
}

/** A seeded uniform tensor in [-1, 1). */
export function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed)
}

/** Copies each array onto the heap; returns their pointers in order. */
export function upload(heap: Heap, ...arrays: ArrayLike<number>[]): number[] {
  return arrays.map((values) => {
    const pointer = heap.alloc(values.length)
    heap.f32(pointer, values.length).set(values)
    return pointer
  })
}

/** Copies a tensor onto the heap. */
export function uploadTensor(heap: Heap, tensor: tf.Tensor): number {
  return upload(heap, tensor.dataSync())[0]
}

/** Room for a tensor of this shape, filled with NaN so that an unwritten value shows. */
export function output(heap: Heap, shape: number[]): number {
  const size = shape.reduce((a, b) => a * b, 1)
  const pointer = heap.alloc(size)
  heap.f32(pointer, size).fill(Number.NaN)
  return pointer
}

/** Asserts the heap's floats at pointer equal the tensor's values within a relative tolerance. */
export function expectClose(heap: Heap, pointer: number, expected: tf.Tensor | ArrayLike<number>, tolerance = 1e-5): void {
  const want = expected instanceof tf.Tensor ? expected.dataSync() : expected
  const got = heap.f32(pointer, want.length)
  let scale = 1 // a loop, not a spread: arrays of any length
  let worst = 0
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]))
    worst = Math.max(worst, Number.isNaN(got[i]) ? Infinity : Math.abs(got[i] - want[i]))
  }
  expect(worst / scale, `largest difference of ${want.length} values`).toBeLessThanOrEqual(tolerance)
}

/** tfjs's output size and top/left padding for one spatial axis. */
export function window1d(size: number, kernel: number, stride: number, padding: 'same' | 'valid'): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.ceil((size - kernel + 1) / stride), before: 0 }
  const out = Math.ceil(size / stride)
  const total = Math.max((out - 1) * stride + kernel - size, 0)
  return { out, before: Math.floor(total / 2) }
}
