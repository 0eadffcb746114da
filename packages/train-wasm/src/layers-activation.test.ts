import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkTensorLeaks, expectClose, output, random, upload, uploadTensor, useCpu } from '../test/tfjs-reference.js'
import { Heap } from './module.js'

beforeAll(useCpu)
checkTensorLeaks()

// Both bounds of every kind, values between and beyond them, and an odd length (a scalar tail).
const x = [-2, -0, 0, 1e-8, 0.5, 1.5, 2, 5.999, 6, 6.001, 9, -7, 3]

const activations: [string, number, number, (t: tf.Tensor) => tf.Tensor][] = [
  ['relu', 0, 0, (t) => tf.relu(t)],
  ['the ReLU layer with maxValue 6', 1, 6, (t) => tfl.layers.reLU({ maxValue: 6 }).apply(t) as tf.Tensor],
  ['the ReLU layer with maxValue 1.5', 1, 1.5, (t) => tfl.layers.reLU({ maxValue: 1.5 }).apply(t) as tf.Tensor],
  ['tf.relu6', 2, 0, (t) => tf.relu6(t)],
]

describe('activations', () => {
  it.each(activations)('%s: output and gradient match tfjs at its boundaries', (_, kind, maxValue, activation) => tf.tidy(() => {
    const input = tf.tensor(x)
    const dy = tf.add(tf.range(0, x.length), 1)
    const [dxWant] = tf.grads((t: tf.Tensor) => tf.mul(activation(t), dy))([input])
    const heap = new Heap()
    const [xp, dyp] = upload(heap, x, dy.dataSync())
    const [yp, dxp] = [output(heap, [x.length]), output(heap, [x.length])]
    heap.kernels.activationForward(yp, xp, x.length, kind, maxValue)
    expect([...heap.f32(yp, x.length)]).toEqual([...activation(input).dataSync()])
    heap.kernels.activationBackward(dxp, dyp, xp, x.length, kind, maxValue)
    expect([...heap.f32(dxp, x.length)]).toEqual([...dxWant.dataSync()])
    tf.dispose([input, dy, dxWant])
  }))

  it.each(activations)('%s: NaN, infinities and signed zeros in every SIMD lane match tfjs', (_, kind, maxValue, activation) => tf.tidy(() => {
    const special = [Number.NaN, Infinity, -Infinity, -0, 0, Number.NaN, -1, 7]
    const input = tf.tensor(special)
    const heap = new Heap()
    const [xp] = upload(heap, special)
    const yp = output(heap, [special.length])
    heap.kernels.activationForward(yp, xp, special.length, kind, maxValue)
    expect([...heap.f32(yp, special.length)]).toEqual([...activation(input).dataSync()])
    input.dispose()
  }))
})

describe('the residual Add and global average pooling', () => {
  it.each([[1, 1, 3], [3, 4, 16], [2, 49, 6]])('batch %i, %i pixels, %i channels: match tf.add and tf.mean with its gradient', (batch, hw, c) => tf.tidy(() => {
    const a = random([batch, hw, c], 21)
    const b = random([batch, hw, c], 22)
    const dy = random([batch, c], 23)
    const heap = new Heap()
    const [ap, bp, dyp] = [a, b, dy].map((t) => uploadTensor(heap, t))
    const [sum, pooled, dx] = [output(heap, a.shape), output(heap, [batch, c]), output(heap, a.shape)]
    heap.kernels.addForward(sum, ap, bp, a.size)
    expectClose(heap, sum, tf.add(a, b), 0)
    heap.kernels.globalAvgPoolForward(pooled, ap, batch, hw, c)
    expectClose(heap, pooled, tf.mean(a, 1))
    const [dxWant] = tf.grads((t: tf.Tensor) => tf.mul(tf.mean(t, 1), dy))([a])
    heap.kernels.globalAvgPoolBackward(dx, dyp, batch, hw, c)
    expectClose(heap, dx, dxWant)
    tf.dispose([a, b, dy, dxWant])
  }))
})
