import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkTensorLeaks, expectClose, output, random, upload, uploadTensor, useCpu } from '../test/tfjs-reference.js'
import { Heap } from './module.js'

beforeAll(useCpu)
checkTensorLeaks()

// [2, 12, 12, 21]: more rows than one summing block (256), a 16-channel group, a vector and a scalar channel.
const shapes: [number[]][] = [[[3, 3, 3, 5]], [[2, 4, 4, 16]], [[1, 2, 2, 6]], [[4, 7]], [[2, 12, 12, 21]]]

/** The stats, layer weights and heap pointers one case shares. */
function setUp(shape: number[]) {
  const c = shape[shape.length - 1]
  const rows = shape.reduce((a, b) => a * b, 1) / c
  const x = tf.add(tf.mul(random(shape, 11), 3), 0.5)
  const dy = random(shape, 12)
  const weights = [tf.add(random([c], 13), 1.5), random([c], 14), random([c], 15), tf.add(random([c], 16), 2)]
  const heap = new Heap()
  const [xp, dyp] = [x, dy].map((t) => uploadTensor(heap, t))
  const [gamma, beta, movingMean, movingVar] = weights.map((t) => uploadTensor(heap, t))
  const [mean, invStd, yp, dxp, dgamma, dbeta] = [[c], [c], shape, shape, [c], [c]].map((s) => output(heap, s))
  return { c, rows, x, dy, weights, heap, xp, dyp, gamma, beta, movingMean, movingVar, mean, invStd, yp, dxp, dgamma, dbeta }
}

describe('BatchNormalization in training', () => {
  it.each(shapes)('%j: output, moving stats and gradients match tfjs-layers with training=true', (shape) => tf.tidy(() => {
    const { c, rows, x, dy, weights, heap, xp, dyp, gamma, beta, movingMean, movingVar, mean, invStd, yp, dxp, dgamma, dbeta } = setUp(shape)
    const [epsilon, momentum] = [0.01, 0.9]
    const layer = tfl.layers.batchNormalization({ axis: -1, epsilon, momentum })
    layer.build(shape)
    layer.setWeights(weights)
    const xVariable = tf.variable(x, true, `x${shape.join('_')}`)
    const loss = () => tf.sum(tf.mul(layer.apply(xVariable, { training: true }) as tf.Tensor, dy)) as tf.Scalar
    const { grads } = tf.variableGrads(loss)
    // Copies: the next training call writes the moving stats again.
    const moved = layer.getWeights().slice(2).map((w) => tf.tensor(w.dataSync().slice()))
    const y = layer.apply(x, { training: true }) as tf.Tensor

    heap.kernels.batchNormTrainForward(yp, xp, gamma, beta, mean, invStd, movingMean, movingVar, rows, c, epsilon, momentum)
    expectClose(heap, yp, y)
    expectClose(heap, movingMean, moved[0])
    expectClose(heap, movingVar, moved[1])
    const moments = tf.moments(x, shape.slice(0, -1).map((_, i) => i))
    expectClose(heap, mean, moments.mean)
    expectClose(heap, invStd, tf.rsqrt(tf.add(moments.variance, epsilon)))

    heap.kernels.batchNormBackward(dxp, dgamma, dbeta, dyp, xp, mean, invStd, gamma, rows, c)
    const [gammaName, betaName] = layer.trainableWeights.map((w) => w.name)
    expectClose(heap, dxp, grads[xVariable.name], 1e-4)
    expectClose(heap, dgamma, grads[gammaName], 1e-4)
    expectClose(heap, dbeta, grads[betaName], 1e-4)

    // Without dgamma (the per-channel path), dx and dbeta are the same.
    heap.f32(dxp, x.size).fill(Number.NaN)
    heap.kernels.batchNormBackward(dxp, 0, dbeta, dyp, xp, mean, invStd, gamma, rows, c)
    expectClose(heap, dxp, grads[xVariable.name], 1e-4)
    expectClose(heap, dbeta, grads[betaName], 1e-4)
    tf.dispose([x, dy, xVariable, y, ...weights, ...moved, ...Object.values(grads), moments.mean, moments.variance])
    for (const weight of layer.weights) weight.dispose()
  }))

  it.each(shapes)('%j without scale and center: matches tf.moments + tf.batchNorm and its autodiff', (shape) => tf.tidy(() => {
    const { c, rows, x, dy, heap, xp, dyp, movingMean, movingVar, mean, invStd, yp, dxp } = setUp(shape)
    const axes = shape.slice(0, -1).map((_, i) => i)
    const normalize = (input: tf.Tensor) => {
      const { mean: m, variance } = tf.moments(input, axes)
      return tf.batchNorm(input, m, variance, tf.zeros([c]), tf.ones([c]), 1e-3)
    }
    const y = normalize(x)
    const [dxWant] = tf.grads((input: tf.Tensor) => tf.mul(normalize(input), dy))([x])
    heap.kernels.batchNormTrainForward(yp, xp, 0, 0, mean, invStd, movingMean, movingVar, rows, c, 1e-3, 0.99)
    expectClose(heap, yp, y)
    heap.kernels.batchNormBackward(dxp, 0, 0, dyp, xp, mean, invStd, 0, rows, c)
    expectClose(heap, dxp, dxWant, 1e-4)
    tf.dispose([x, dy, y, dxWant])
  }))

  it.each([[40, 0.3], [-1000, 2], [0.5, 1e-3]])('mean %d, spread %d: the one-pass statistics match tf.moments', (offset, spread) => tf.tidy(() => {
    const shape = [2, 12, 12, 21]
    const x = tf.add(tf.mul(random(shape, 17), spread), offset)
    const heap = new Heap()
    const xp = uploadTensor(heap, x)
    const [gamma, beta, movingMean, movingVar] = upload(heap, new Array(21).fill(1), new Array(21).fill(0), new Array(21).fill(0), new Array(21).fill(1))
    const [yp, mean, invStd] = [output(heap, shape), output(heap, [21]), output(heap, [21])]
    heap.kernels.batchNormTrainForward(yp, xp, gamma, beta, mean, invStd, movingMean, movingVar, 288, 21, 1e-9, 0.99)
    const moments = tf.moments(x, [0, 1, 2])
    expectClose(heap, mean, moments.mean)
    // invStd (about 1 / spread) relative to its own size.
    const want = tf.rsqrt(tf.add(moments.variance, 1e-9))
    const got = tf.tensor(heap.f32(invStd, 21).slice())
    expect(tf.max(tf.abs(tf.div(tf.sub(got, want), want))).dataSync()[0]).toBeLessThan(1e-5)
    tf.dispose([x, moments.mean, moments.variance, want, got])
  }))

  it('a single row normalizes to beta and passes no gradient to x', () => tf.tidy(() => {
    const heap = new Heap()
    const [x, gamma, beta, mm, mv, dy] = upload(heap, [2, -1, 5], [1, 2, 3], [0.5, 0, -1], [0, 0, 0], [1, 1, 1], [1, 2, 3])
    const [y, mean, invStd, dx, dgamma, dbeta] = [3, 3, 3, 3, 3, 3].map((n) => output(heap, [n]))
    heap.kernels.batchNormTrainForward(y, x, gamma, beta, mean, invStd, mm, mv, 1, 3, 1e-3, 0.99)
    expectClose(heap, y, [0.5, 0, -1])
    heap.kernels.batchNormBackward(dx, dgamma, dbeta, dy, x, mean, invStd, gamma, 1, 3)
    expectClose(heap, dx, [0, 0, 0])
    expectClose(heap, dbeta, [1, 2, 3])
    expectClose(heap, dgamma, [0, 0, 0])
  }))
})
