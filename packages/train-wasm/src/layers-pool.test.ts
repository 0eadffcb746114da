import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, it } from 'vitest'
import { checkTensorLeaks, expectClose, output, uploadTensor, useCpu, window1d } from '../test/tfjs-reference.js'
import { Heap } from './module.js'

beforeAll(useCpu)
checkTensorLeaks()

// [batch, h, width, c, kernel, stride, padding]
const cases: [number, number, number, number, number, number, 'same' | 'valid'][] = [
  [1, 4, 4, 1, 2, 2, 'valid'],
  // 2x2 stride 2 inside the image with 4+ channels: the specialised pair pool (odd sizes leave a row and column out).
  [3, 28, 28, 6, 2, 2, 'valid'],
  [2, 10, 10, 16, 2, 2, 'valid'],
  [2, 9, 7, 5, 2, 2, 'valid'],
  [1, 9, 9, 8, 2, 2, 'same'],
  [3, 7, 5, 5, 3, 2, 'same'],
  [1, 6, 6, 8, 3, 1, 'same'],
  [2, 5, 7, 3, 3, 1, 'valid'],
  [1, 5, 6, 7, 3, 1, 'same'],
]

describe('max pooling', () => {
  it.each(cases)('batch %i, %ix%ix%i, pool %i, stride %i, %s, with ties: output and gradient match tfjs', (batch, h, width, c, k, s, padding) => tf.tidy(() => {
    // Values from {0, 1, 2}: most windows hold tied maxima, overlapping windows share them.
    const x = tf.floor(tf.randomUniform([batch, h, width, c], 0, 3, 'float32', 31))
    const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, k, s, padding)
    const y = pool(x)
    const dy = tf.add(tf.randomUniform(y.shape, 1, 2, 'float32', 32), tf.reshape(tf.range(0, y.size), y.shape))
    const [dxWant] = tf.grads((t: tf.Tensor) => tf.mul(pool(t), dy))([x])
    const rows = window1d(h, k, s, padding)
    const cols = window1d(width, k, s, padding)
    const heap = new Heap()
    const [xp, dyp] = [x, dy].map((t) => uploadTensor(heap, t))
    const [yp, dxp] = [output(heap, y.shape), output(heap, x.shape)]
    const geometry = [batch, h, width, c, k, k, s, s, rows.before, cols.before, rows.out, cols.out] as const
    heap.kernels.maxPoolForward(yp, xp, ...geometry)
    expectClose(heap, yp, y, 0)
    heap.kernels.maxPoolBackward(dxp, dyp, xp, ...geometry)
    expectClose(heap, dxp, dxWant, 1e-6)
    tf.dispose([x, y, dy, dxWant])
  }))
})
