import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkTensorLeaks, expectClose, output, random, upload, useCpu } from '../test/tfjs-reference.js'
import { Heap } from './module.js'

beforeAll(useCpu)
checkTensorLeaks()

/** packages/core/src/loss.ts's multiclass taskLoss (kept in step with it by hand). */
function taskLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7)
  return tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(p)), -1))) as tf.Scalar
}

describe('softmax cross-entropy', () => {
  it.each([
    [1, 10],
    [3, 3],
    [64, 10],
    [5, 7],
  ])('batch %i, %i classes: loss, softmax and logit gradients match tfjs autodiff of core\'s loss', (batch, classes) => tf.tidy(() => {
    const logits = tf.tidy(() => {
      const spread = tf.mul(random([batch, classes], 41), 4)
      // Row 0 (label 1) gives its label p = 1e-8, below the clip: tfjs passes no gradient there.
      if (batch < 3) return spread
      const extreme = Array.from({ length: classes }, (_, k) => (k === 2 ? 18.5 : 0))
      return tf.concat([tf.tensor2d([extreme]), tf.slice(spread, [1, 0])])
    })
    const labels = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7 + 1) % classes), 'int32'), classes), 'float32')
    const lossOf = (l: tf.Tensor) => taskLoss(labels, tf.softmax(l))
    const { value, grad } = tf.valueAndGrad(lossOf)(logits)
    const heap = new Heap()
    const [lp, yp] = upload(heap, logits.dataSync(), labels.dataSync())
    const [probs, dlogits] = [output(heap, logits.shape), output(heap, logits.shape)]
    const loss = heap.kernels.softmaxCrossEntropy(probs, dlogits, lp, yp, batch, classes)
    expect(Math.abs(loss - value.dataSync()[0])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(loss)))
    expectClose(heap, probs, tf.softmax(logits), 1e-6)
    expectClose(heap, dlogits, grad, 1e-5)
    tf.dispose([logits, labels, value, grad])
  }))
})

describe('optimizers', () => {
  const n = 11
  const steps = 5
  const gradients = Array.from({ length: steps }, (_, i) => tf.mul(random([n], 50 + i), i + 1))
  const start = random([n], 49)

  /** The weights after each of tfjs's steps with this optimizer. */
  function tfjsSteps(optimizer: tf.Optimizer): Float32Array[] {
    const w = tf.variable(start)
    const seen = gradients.map((g) => {
      optimizer.applyGradients({ [w.name]: g })
      return w.dataSync<'float32'>().slice()
    })
    optimizer.dispose()
    // tfjs 4.22's MomentumOptimizer.dispose leaves behind the -learningRate scalar its SGD base keeps.
    tf.dispose((optimizer as unknown as { c?: tf.Tensor }).c)
    w.dispose()
    return seen
  }

  it.each([
    ['adam, defaults', 0.01, 0.9, 0.999, undefined],
    ['adam, other betas and epsilon', 0.003, 0.8, 0.99, 1e-4],
  ])('%s: five steps match tf.train.adam exactly', (_, learningRate, beta1, beta2, epsilon) => tf.tidy(() => {
    const want = tfjsSteps(tf.train.adam(learningRate, beta1, beta2, epsilon))
    const heap = new Heap()
    const [w, g, m, v] = upload(heap, start.dataSync(), new Float32Array(n), new Float32Array(n), new Float32Array(n))
    // tfjs keeps beta^t as a float32 variable, multiplied by float32(beta) after each step.
    let [power1, power2] = [Math.fround(beta1), Math.fround(beta2)]
    for (let step = 0; step < steps; step++) {
      heap.f32(g, n).set(gradients[step].dataSync())
      heap.kernels.adamUpdate(w, g, m, v, n, learningRate, beta1, beta2, epsilon ?? 1e-7, power1, power2)
      expect(heap.f32(w, n)).toEqual(want[step])
      power1 = Math.fround(power1 * Math.fround(beta1))
      power2 = Math.fround(power2 * Math.fround(beta2))
    }
  }))

  it('five steps match tf.train.momentum and tf.train.sgd exactly', () => tf.tidy(() => {
    const heap = new Heap()
    const wantMomentum = tfjsSteps(tf.train.momentum(0.05, 0.9))
    const wantSgd = tfjsSteps(tf.train.sgd(0.05))
    const [wm, ws, g, accum] = upload(heap, start.dataSync(), start.dataSync(), new Float32Array(n), new Float32Array(n))
    for (let step = 0; step < steps; step++) {
      heap.f32(g, n).set(gradients[step].dataSync())
      heap.kernels.momentumUpdate(wm, g, accum, n, 0.05, 0.9)
      heap.kernels.sgdUpdate(ws, g, n, 0.05)
      expect(heap.f32(wm, n)).toEqual(wantMomentum[step])
      expect(heap.f32(ws, n)).toEqual(wantSgd[step])
    }
  }))
})
