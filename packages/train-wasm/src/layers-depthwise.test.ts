import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkTensorLeaks, expectClose, output, random, uploadTensor, useCpu, window1d } from '../test/tfjs-reference.js'
import { Heap } from './module.js'

beforeAll(useCpu)
checkTensorLeaks()

// [batch, h, width, c, kernel, stride, padding]
const cases: [number, number, number, number, number, number, 'same' | 'valid'][] = [
  [1, 5, 5, 3, 3, 1, 'same'],
  [3, 7, 6, 5, 3, 2, 'same'],
  [2, 8, 8, 8, 3, 2, 'valid'],
  [1, 6, 7, 6, 5, 1, 'same'],
  [3, 9, 9, 4, 5, 2, 'valid'],
  [2, 4, 4, 7, 1, 1, 'valid'],
  [1, 14, 14, 16, 3, 2, 'same'],
  [3, 6, 5, 8, 3, 1, 'same'],
  // 3x3 stride 1: neighbouring windows in pairs (whole, cut by the top or bottom edge), a scalar channel tail
  [2, 7, 6, 5, 3, 1, 'same'],
  [2, 9, 8, 8, 3, 1, 'valid'],
  [1, 4, 4, 12, 3, 1, 'same'],
]

describe('depthwise convolution', () => {
  it.each(cases)('batch %i, %ix%ix%i, kernel %i, stride %i, %s: forward and both gradients match tfjs', (batch, h, width, c, k, s, padding) => tf.tidy(() => {
    const x = random([batch, h, width, c], 1)
    const w = random([k, k, c, 1], 2)
    const forward = (xs: tf.Tensor, ws: tf.Tensor) => tf.depthwiseConv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, s, padding)
    const y = forward(x, w)
    const dy = random(y.shape, 3)
    const [dxWant, dwWant] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => tf.mul(forward(xs, ws), dy))([x, w])
    const rows = window1d(h, k, s, padding)
    const cols = window1d(width, k, s, padding)
    expect([rows.out, cols.out]).toEqual(y.shape.slice(1, 3))

    const heap = new Heap()
    const [xp, wp, dyp] = [x, w, dy].map((t) => uploadTensor(heap, t))
    const [yp, dxp, dwp] = [output(heap, y.shape), output(heap, x.shape), output(heap, w.shape)]
    const geometry = [batch, h, width, c, k, k, s, s, rows.before, cols.before, rows.out, cols.out] as const
    heap.kernels.depthwiseForward(yp, xp, wp, ...geometry)
    expectClose(heap, yp, y)
    heap.kernels.depthwiseBackward(dxp, dwp, dyp, xp, wp, ...geometry)
    expectClose(heap, dxp, dxWant)
    expectClose(heap, dwp, dwWant)

    // Without dx (a first layer), dw alone is overwritten, not accumulated.
    heap.kernels.depthwiseBackward(0, dwp, dyp, xp, wp, ...geometry)
    expectClose(heap, dwp, dwWant)
    tf.dispose([x, w, y, dy, dxWant, dwWant])
  }))
})
