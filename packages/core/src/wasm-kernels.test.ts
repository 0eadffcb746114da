import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { setupBackend } from './backend.js'
import { createRng } from './rng.js'
import '@tensorflow/tfjs-layers'

type Pad = 'same' | 'valid'

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed)
  const size = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(Float32Array.from({ length: size }, () => rng.next() * 2 - 1), shape)
}

/** Filter gradient of sum(conv2d(x, w) * r): the kernel under test, through autodiff. */
async function filterGradient(backend: 'wasm' | 'cpu', xShape: number[], wShape: number[], strides: number, pad: Pad, fused: boolean): Promise<Float32Array> {
  await setupBackend(backend)
  const x = randomTensor(xShape, 1) as tf.Tensor4D
  const w = randomTensor(wShape, 2) as tf.Tensor4D
  const grad = tf.grad((filter: tf.Tensor) => {
    const y = fused ? tf.fused.conv2d({ x, filter: filter as tf.Tensor4D, strides, pad }) : tf.conv2d(x, filter as tf.Tensor4D, strides, pad)
    return tf.sum(tf.mul(y, randomTensor(y.shape, 3)))
  })(w)
  const values = new Float32Array(await grad.data())
  tf.dispose([x, w, grad])
  return values
}

describe('Conv2D filter gradient on wasm', () => {
  it.each([
    [[2, 8, 8, 1], [5, 5, 1, 6], 1, 'same', false],
    [[2, 9, 7, 3], [3, 3, 3, 4], 2, 'valid', false],
    [[1, 10, 10, 2], [3, 2, 2, 5], 2, 'same', true],
  ] as Array<[number[], number[], number, Pad, boolean]>)('matches the cpu backend for x %j, filter %j, stride %i, %s, fused %s', async (xShape, wShape, strides, pad, fused) => {
    const cpu = await filterGradient('cpu', xShape, wShape, strides, pad, fused)
    const wasm = await filterGradient('wasm', xShape, wShape, strides, pad, fused)
    expect(wasm.length).toBe(cpu.length)
    cpu.forEach((v, i) => expect(wasm[i]).toBeCloseTo(v, 4))
  })
})

describe('transposed matMul on wasm', () => {
  it.each([
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[2, 7, 5], [2, 3, 7], true, true],
  ])('a %j · b %j (transposeA %s, transposeB %s) matches the cpu backend, plain and fused', async (aShape, bShape, ta, tb) => {
    const compute = async (backend: 'wasm' | 'cpu') => {
      await setupBackend(backend)
      const dataIds = tf.backend().numDataIds()
      const a = randomTensor(aShape, 4)
      const b = randomTensor(bShape, 5)
      const plain = tf.matMul(a, b, ta, tb)
      const fused = tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, activation: 'relu' })
      const values = [new Float32Array(await plain.data()), new Float32Array(await fused.data())]
      tf.dispose([a, b, plain, fused])
      expect(tf.backend().numDataIds()).toBe(dataIds) // the explicit transposes are freed
      return values
    }
    const cpu = await compute('cpu')
    const before = tf.memory().numTensors
    const wasm = await compute('wasm')
    expect(tf.memory().numTensors).toBe(before)
    cpu.forEach((values, k) => values.forEach((v, i) => expect(wasm[k][i]).toBeCloseTo(v, 4)))
  })
})
