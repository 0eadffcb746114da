import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { setupBackend } from './backend.js'
import { createRng } from './rng.js'
import * as tfl from '@tensorflow/tfjs-layers'

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

/** Relative comparison: |a - b| <= tol * max(1, |b|) element by element. */
function expectClose(actual: Float32Array, expected: Float32Array, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length)
  let worst = 0
  expected.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(actual[i] - v) / Math.max(1, Math.abs(v)))
  })
  expect(worst).toBeLessThanOrEqual(tol)
}

/** Input and filter gradients of sum(depthwiseConv2d(x, w) * r) through autodiff: the kernels under test. */
async function depthwiseGradients(backend: 'wasm' | 'cpu', xShape: number[], wShape: number[], strides: number, pad: Pad, fused: boolean): Promise<Float32Array[]> {
  await setupBackend(backend)
  const x = randomTensor(xShape, 6) as tf.Tensor4D
  const w = randomTensor(wShape, 7) as tf.Tensor4D
  const bias = randomTensor([wShape[2] * wShape[3]], 8) as tf.Tensor1D
  const before = tf.memory().numTensors
  const grads = tf.grads((input: tf.Tensor, filter: tf.Tensor) => {
    const args = { x: input as tf.Tensor4D, filter: filter as tf.Tensor4D, strides, pad }
    const y = fused ? tf.fused.depthwiseConv2d({ ...args, bias }) : tf.depthwiseConv2d(args.x, args.filter, strides, pad)
    return tf.sum(tf.mul(y, randomTensor(y.shape, 9)))
  })([x, w])
  expect(grads.map((g) => g.shape)).toEqual([xShape, wShape])
  const values = await Promise.all(grads.map(async (g) => new Float32Array(await g.data())))
  tf.dispose(grads)
  expect(tf.memory().numTensors).toBe(before)
  tf.dispose([x, w, bias])
  return values
}

describe('DepthwiseConv2D gradients on wasm', () => {
  it('tfjs-backend-wasm still lacks the depthwise gradient kernels, so ours are registered', async () => {
    await setupBackend('wasm')
    for (const name of ['DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(name, 'wasm')?.kernelFunc.toString()).toMatch(/depthwiseConv2d(Filter|Input)Gradient/)
    }
  })

  it.each([
    [[2, 8, 8, 3], [3, 3, 3, 1], 1, 'same', false],
    [[2, 9, 7, 3], [3, 3, 3, 2], 2, 'valid', false],
    [[1, 7, 9, 2], [3, 3, 2, 2], 2, 'same', false],
    [[3, 5, 5, 4], [2, 2, 4, 1], 2, 'same', false],
    [[2, 11, 11, 1], [5, 5, 1, 3], 1, 'valid', false],
    [[2, 6, 6, 2], [3, 1, 2, 2], 1, 'same', true],
    [[1, 9, 9, 3], [3, 3, 3, 1], 2, 'valid', true],
  ] as Array<[number[], number[], number, Pad, boolean]>)('match the cpu backend for x %j, filter %j, stride %i, %s, fused %s', async (xShape, wShape, strides, pad, fused) => {
    const [cpuDx, cpuDw] = await depthwiseGradients('cpu', xShape, wShape, strides, pad, fused)
    const [wasmDx, wasmDw] = await depthwiseGradients('wasm', xShape, wShape, strides, pad, fused)
    expectClose(wasmDx, cpuDx)
    expectClose(wasmDw, cpuDw)
  })

  // tfjs's depthwise gradient refuses dilations, and the cpu kernels ignore them, so the dilated
  // kernels are checked as adjoints of the (dilated) wasm forward pass: <dy, conv(x, w)> = <dW, w> = <dx, x>.
  it.each([
    [[2, 9, 9, 2], [3, 3, 2, 2], 'same'],
    [[1, 10, 8, 3], [3, 2, 3, 1], 'valid'],
  ] as Array<[number[], number[], Pad]>)('run with dilation 2 as adjoints of the forward pass (x %j, filter %j, %s)', async (xShape, wShape, pad) => {
    await setupBackend('wasm')
    const before = tf.memory().numTensors
    const x = randomTensor(xShape, 10) as tf.Tensor4D
    const w = randomTensor(wShape, 11) as tf.Tensor4D
    const y = tf.depthwiseConv2d(x, w, 1, pad, 'NHWC', 2)
    const dy = randomTensor(y.shape, 12)
    const attrs = { strides: 1, pad, dilations: 2 }
    const dW = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: wShape }) as tf.Tensor
    const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape }) as tf.Tensor
    const dots = tf.tidy(() => [tf.sum(tf.mul(y, dy)), tf.sum(tf.mul(dW, w)), tf.sum(tf.mul(dx, x))].map((t) => t.dataSync()[0]))
    expect(dots[1]).toBeCloseTo(dots[0], 3)
    expect(dots[2]).toBeCloseTo(dots[0], 3)
    tf.dispose([x, w, y, dy, dW, dx])
    expect(tf.memory().numTensors).toBe(before)
  })

  it('refuses NCHW data with a clear error', async () => {
    await setupBackend('wasm')
    const x = tf.zeros([1, 4, 4, 2])
    const dy = tf.zeros([1, 4, 4, 2])
    expect(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 2, 1], dataFormat: 'NCHW' })).toThrow(/channels-last/)
    tf.dispose([x, dy])
  })

  it('trains a tfjs-layers model with depthwise and separable convolutions, without leaking tensors', async () => {
    await setupBackend('wasm')
    const init = (seed: number) => tfl.initializers.glorotUniform({ seed })
    const model = tfl.sequential({
      layers: [
        tfl.layers.depthwiseConv2d({ inputShape: [9, 9, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu', depthwiseInitializer: init(1) }),
        tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'valid', depthwiseInitializer: init(2), pointwiseInitializer: init(3) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, kernelInitializer: init(4) }),
      ],
    })
    const xs = randomTensor([8, 9, 9, 3], 13)
    const ys = randomTensor([8, 2], 14)
    // Over 30 unseeded initialisations, 15 steps at this rate always ended below 0.4 of the first loss.
    const optimizer = tf.train.sgd(0.2)
    const losses: number[] = []
    const tensorCounts: number[] = []
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor), true) as tf.Scalar
      losses.push((await loss.data())[0])
      loss.dispose()
      tensorCounts.push(tf.memory().numTensors)
    }
    expect(losses.every(Number.isFinite)).toBe(true)
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7)
    expect(new Set(tensorCounts).size).toBe(1)
    tf.dispose([xs, ys])
    model.dispose()
    optimizer.dispose()
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
