import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { describe, expect, it } from 'vitest'
import { registerWasmKernels, wasmConvGradientOptions } from './index.js'
import { fillTransposedPatches } from './patches.js'
import { multiplyAddRows } from './simd-rows.js'
import { mergeTransposeAxes } from './transpose.js'

type Pad = 'same' | 'valid'

/** Registers the kernels (idempotent, as an app calls it once) and switches tfjs to `name`. */
async function setupBackend(name: 'wasm' | 'cpu'): Promise<void> {
  registerWasmKernels()
  await tf.setBackend(name)
  await tf.ready()
}

/** A seeded uniform generator in [0, 1) (mulberry32, as prunekit's createRng). */
function createRng(seed: number): { next(): number } {
  let state = seed >>> 0
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    },
  }
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed)
  const size = shape.reduce((a, b) => a * b, 1)
  return tf.tensor(Float32Array.from({ length: size }, () => rng.next() * 2 - 1), shape)
}

type ConvPad = Pad | tf.backend_util.ExplicitPadding

/** Input and filter gradients of sum(conv2d(x, w) * r) through autodiff: the kernels under test. */
async function convGradients(backend: 'wasm' | 'cpu', xShape: number[], wShape: number[], strides: number | [number, number], pad: ConvPad, fused: boolean): Promise<Float32Array[]> {
  await setupBackend(backend)
  const x = randomTensor(xShape, 1) as tf.Tensor4D
  const w = randomTensor(wShape, 2) as tf.Tensor4D
  const bias = randomTensor([wShape[3]], 3) as tf.Tensor1D
  const before = tf.memory().numTensors
  const dataIds = tf.backend().numDataIds()
  const grads = tf.grads((input: tf.Tensor, filter: tf.Tensor) => {
    const args = { x: input as tf.Tensor4D, filter: filter as tf.Tensor4D, strides, pad: pad as 'same' }
    const y = fused ? tf.fused.conv2d({ ...args, bias, activation: 'relu' }) : tf.conv2d(args.x, args.filter, strides, args.pad)
    return tf.sum(tf.mul(y, randomTensor(y.shape, 4)))
  })([x, w])
  expect(grads.map((g) => g.shape)).toEqual([xShape, wShape])
  const values = await Promise.all(grads.map(async (g) => new Float32Array(await g.data())))
  tf.dispose(grads)
  expect(tf.memory().numTensors).toBe(before)
  expect(tf.backend().numDataIds()).toBe(dataIds) // nothing left behind inside the kernels either
  tf.dispose([x, w, bias])
  return values
}

/** Runs `fn` with wasmConvGradientOptions.maxPatchBytes set to `bytes`. */
async function withMaxPatchBytes<T>(bytes: number, fn: () => Promise<T>): Promise<T> {
  const saved = wasmConvGradientOptions.maxPatchBytes
  wasmConvGradientOptions.maxPatchBytes = bytes
  try {
    return await fn()
  } finally {
    wasmConvGradientOptions.maxPatchBytes = saved
  }
}

/** The patch matrix by definition, for fillTransposedPatches (whose x is channels-first). */
function referencePatches(x: Float32Array, info: tf.backend_util.Conv2DInfo, first: number, batches: number): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const cols = batches * outHeight * outWidth
  const out = new Float32Array(filterHeight * filterWidth * inChannels * cols)
  for (let kh = 0; kh < filterHeight; kh++)
    for (let kw = 0; kw < filterWidth; kw++)
      for (let ci = 0; ci < inChannels; ci++)
        for (let b = 0; b < batches; b++)
          for (let oy = 0; oy < outHeight; oy++)
            for (let ox = 0; ox < outWidth; ox++) {
              const iy = oy * strideHeight + kh * dilationHeight - info.padInfo.top
              const ix = ox * strideWidth + kw * dilationWidth - info.padInfo.left
              const inside = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth
              const row = (kh * filterWidth + kw) * inChannels + ci
              out[row * cols + (b * outHeight + oy) * outWidth + ox] = inside ? x[((ci * batchSize + first + b) * inHeight + iy) * inWidth + ix] : 0
            }
  return out
}

describe('Conv2D gradients on wasm', () => {
  it('registers our Conv2DBackpropFilter and wraps Conv2DBackpropInput and Tile', async () => {
    await setupBackend('wasm')
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')?.kernelFunc.toString()).toMatch(/conv2dFilterGradientWasm/)
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc.toString()).toMatch(/conv2dInputGradientWasm/)
    expect(tf.getKernel('Tile', 'wasm')?.kernelFunc.toString()).toMatch(/copyWithin/)
  })

  it.each([
    [[2, 8, 8, 1], [5, 5, 1, 6], 1, 'same', false],
    [[2, 9, 7, 3], [3, 3, 3, 4], 2, 'valid', false],
    [[1, 10, 10, 2], [3, 2, 2, 5], 2, 'same', true],
    [[3, 8, 8, 4], [3, 3, 4, 5], 1, 'same', false],
    [[2, 7, 11, 3], [3, 3, 3, 2], 1, 'valid', false],
    [[2, 9, 6, 4], [3, 3, 4, 3], 2, 'same', false],
    [[2, 11, 9, 2], [5, 3, 2, 3], [2, 1], 'same', false],
    [[2, 10, 8, 3], [4, 4, 3, 2], 3, 'valid', false],
    [[3, 6, 5, 4], [1, 1, 4, 6], 1, 'same', false],
    [[1, 4, 4, 1], [1, 1, 1, 3], 1, 'valid', false],
    [[2, 8, 7, 4], [1, 1, 4, 3], 2, 'valid', true],
    [[2, 7, 9, 3], [3, 3, 3, 4], 1, [[0, 0], [1, 2], [0, 1], [0, 0]], false],
    [[2, 7, 6, 2], [3, 3, 2, 3], 1, [[0, 0], [4, 0], [1, 3], [0, 0]], false], // wider than the filter: matMul + col2im
    [[2, 9, 8, 2], [3, 3, 2, 3], 2, [[0, 0], [2, 1], [0, 2], [0, 0]], false],
  ] as Array<[number[], number[], number | [number, number], ConvPad, boolean]>)('match the cpu backend for x %j, filter %j, stride %j, pad %j, fused %s', async (xShape, wShape, strides, pad, fused) => {
    const [cpuDx, cpuDw] = await convGradients('cpu', xShape, wShape, strides, pad, fused)
    const [wasmDx, wasmDw] = await convGradients('wasm', xShape, wShape, strides, pad, fused)
    expectClose(wasmDx, cpuDx)
    expectClose(wasmDw, cpuDw)
  })

  it.each([
    [1, [[5, 6, 6, 3], [3, 3, 3, 4], 1, 'same']],
    [1, [[5, 9, 7, 2], [3, 3, 2, 3], 2, 'same']],
    [2 * (3 * 3 * 2) * (5 * 4) * 4, [[5, 9, 7, 2], [3, 3, 2, 3], 2, 'same']], // two samples a chunk: 2, 2, 1
    [3 * (3 * 3 * 3) * (6 * 6) * 4, [[7, 6, 6, 3], [3, 3, 3, 4], 1, 'same']], // three a chunk: 3, 3, 1
  ] as Array<[number, [number[], number[], number, Pad]]>)('match the cpu backend in batch chunks (maxPatchBytes %i, case %j)', async (bytes, [xShape, wShape, strides, pad]) => {
    const [cpuDx, cpuDw] = await convGradients('cpu', xShape, wShape, strides, pad, false)
    const [wasmDx, wasmDw] = await withMaxPatchBytes(bytes, () => convGradients('wasm', xShape, wShape, strides, pad, false))
    expectClose(wasmDx, cpuDx)
    expectClose(wasmDw, cpuDw)
  })

  // tfjs's conv2d gradient refuses dilations, so the kernels (which honour a `dilations` attribute) are
  // checked as adjoints of the dilated wasm forward pass: <dy, conv(x, w)> = <dW, w> = <dx, x>.
  it.each([
    [[2, 9, 9, 2], [3, 3, 2, 3], 'same', 1 << 30],
    [[1, 10, 8, 3], [3, 2, 3, 2], 'valid', 1 << 30],
    [[3, 9, 7, 2], [3, 3, 2, 2], 'same', 1], // one sample a chunk
    [[2, 8, 9, 2], [3, 3, 2, 3], [[0, 0], [5, 1], [2, 5], [0, 0]], 1 << 30], // wider than the dilated filter: col2im
  ] as Array<[number[], number[], ConvPad, number]>)('run with dilation 2 as adjoints of the forward pass (x %j, filter %j, pad %j, maxPatchBytes %i)', async (xShape, wShape, pad, bytes) => {
    await setupBackend('wasm')
    const before = tf.memory().numTensors
    const x = randomTensor(xShape, 10) as tf.Tensor4D
    const w = randomTensor(wShape, 11) as tf.Tensor4D
    const y = tf.conv2d(x, w, 1, pad as 'same', 'NHWC', 2)
    const dy = randomTensor(y.shape, 12)
    const attrs = { strides: 1, pad, dataFormat: 'NHWC', dilations: 2 }
    const [dW, dx] = await withMaxPatchBytes(bytes, async () => [
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: wShape } as never) as tf.Tensor,
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape } as never) as tf.Tensor,
    ])
    expect([dW.shape, dx.shape]).toEqual([wShape, xShape])
    const dots = tf.tidy(() => [tf.sum(tf.mul(y, dy)), tf.sum(tf.mul(dW, w)), tf.sum(tf.mul(dx, x))].map((t) => t.dataSync()[0]))
    expect(dots[1]).toBeCloseTo(dots[0], 3)
    expect(dots[2]).toBeCloseTo(dots[0], 3)
    tf.dispose([x, w, y, dy, dW, dx])
    expect(tf.memory().numTensors).toBe(before)
  })

  it.each([
    [[2, 8, 8, 3], [3, 3, 3, 1], 1, 1, 'same'],
    [[3, 7, 9, 2], [5, 3, 2, 1], 1, 1, 'valid'],
    [[2, 9, 8, 2], [3, 3, 2, 1], 2, 1, 'same'],
    [[1, 11, 9, 3], [3, 2, 3, 1], 1, 2, 'same'],
    [[2, 5, 6, 1], [1, 1, 1, 1], 1, 1, 'valid'],
  ] as Array<[number[], number[], number, number, Pad]>)('fillTransposedPatches builds the patch matrix by definition (host arrays): x %j, filter %j, stride %i, dilation %i, %s', (xShape, wShape, strides, dilations, pad) => {
    const info = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], wShape as [number, number, number, number], strides, dilations, pad)
    const rng = createRng(5)
    const x = Float32Array.from({ length: xShape.reduce((a, b) => a * b, 1) }, () => rng.next() + 0.5)
    for (const [first, batches] of [[0, xShape[0]], [xShape[0] - 1, 1]]) {
      const rows = wShape[0] * wShape[1] * wShape[2]
      const patches = new Float32Array(rows * batches * info.outHeight * info.outWidth).fill(Number.NaN) // every entry must be written
      fillTransposedPatches(x, patches, info, first, batches)
      expect(Array.from(patches)).toEqual(Array.from(referencePatches(x, info, first, batches)))
    }
  })

  it('leaves nothing behind across repeated calls: tensors, bytes and wasm buffers stay flat', async () => {
    await setupBackend('wasm')
    const x = randomTensor([5, 9, 7, 3], 20)
    const w = randomTensor([3, 3, 3, 4], 21)
    const dy1 = randomTensor([5, 9, 7, 4], 22)
    const dy2 = randomTensor([5, 5, 4, 4], 23)
    const run = () => {
      const outs = [
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy1 }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }),
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dy2 }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }),
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dy1, filter: w }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [5, 9, 7, 3] }),
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dy2, filter: w }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [5, 9, 7, 3] }),
      ] as tf.Tensor[]
      tf.dispose(outs)
    }
    for (const bytes of [1 << 30, 1]) {
      await withMaxPatchBytes(bytes, async () => {
        run()
        const memory = [tf.memory().numTensors, tf.memory().numBytes, tf.backend().numDataIds()]
        for (let i = 0; i < 5; i++) run()
        expect([tf.memory().numTensors, tf.memory().numBytes, tf.backend().numDataIds()]).toEqual(memory)
      })
    }
    tf.dispose([x, w, dy1, dy2])
  })

  it('refuses NCHW data in the filter gradient with a clear error', async () => {
    await setupBackend('wasm')
    const x = tf.zeros([1, 2, 4, 4])
    const dy = tf.zeros([1, 3, 4, 4])
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', filterShape: [3, 3, 2, 3], dataFormat: 'NCHW' })).toThrow(/channels-last/)
    tf.dispose([x, dy])
  })

  it('trains a conv-bn model with strided and 1x1 convolutions, without leaking tensors or wasm buffers', async () => {
    await setupBackend('wasm')
    const init = (seed: number) => tfl.initializers.glorotUniform({ seed })
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [10, 10, 2], filters: 6, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: init(1) }),
        tfl.layers.batchNormalization(),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2) }),
        tfl.layers.conv2d({ filters: 3, kernelSize: 1, strides: 2, kernelInitializer: init(3) }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, kernelInitializer: init(4) }),
      ],
    })
    const xs = randomTensor([8, 10, 10, 2], 24)
    const ys = randomTensor([8, 2], 25)
    const optimizer = tf.train.adam(0.02)
    const losses: number[] = []
    const counts: string[] = []
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(() => tf.losses.meanSquaredError(ys, model.predict(xs) as tf.Tensor), true) as tf.Scalar
      losses.push((await loss.data())[0])
      loss.dispose()
      counts.push(`${tf.memory().numTensors} ${tf.backend().numDataIds()}`)
    }
    expect(losses.every(Number.isFinite)).toBe(true)
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7)
    expect(new Set(counts.slice(1)).size).toBe(1)
    tf.dispose([xs, ys])
    model.dispose()
    optimizer.dispose()
  })
})

describe('Tile on wasm', () => {
  it.each([
    [[1, 1, 1, 5], [3, 4, 2, 1], 'float32'],
    [[2, 3], [4, 1], 'float32'],
    [[1, 3], [2, 2], 'int32'],
    [[1, 1, 4], [3, 1, 2], 'bool'],
    [[2, 3], [1, 2], 'float32'], // not a whole-buffer repeat: the original kernel
    [[2, 1, 3], [2, 3, 1], 'float32'],
    [[3], [1], 'float32'],
    [[1, 3], [0, 2], 'float32'], // empty output
  ] as Array<[number[], number[], 'float32' | 'int32' | 'bool']>)('tile of %j by %j (%s) matches the cpu backend', async (shape, reps, dtype) => {
    const compute = async (backend: 'wasm' | 'cpu') => {
      await setupBackend(backend)
      const dataIds = tf.backend().numDataIds()
      const values = randomTensor(shape, 30)
      const x = tf.tidy(() => (dtype === 'bool' ? tf.greater(values, 0) : dtype === 'int32' ? tf.cast(tf.mul(values, 100), 'int32') : values.clone()))
      const y = tf.tile(x, reps)
      const out = { shape: y.shape, values: Array.from(await y.data()) }
      tf.dispose([values, x, y])
      expect(tf.backend().numDataIds()).toBe(dataIds)
      return out
    }
    expect(await compute('wasm')).toEqual(await compute('cpu'))
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
  it('tfjs-backend-wasm still lacks the conv gradient kernels, so ours are registered', async () => {
    await setupBackend('wasm')
    expect(registerWasmKernels().added).toEqual(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'])
  })

  it.each([
    [[2, 8, 8, 3], [3, 3, 3, 1], 1, 'same', false],
    [[2, 9, 7, 3], [3, 3, 3, 2], 2, 'valid', false],
    [[1, 7, 9, 2], [3, 3, 2, 2], 2, 'same', false],
    [[3, 5, 5, 4], [2, 2, 4, 1], 2, 'same', false],
    [[2, 11, 11, 1], [5, 5, 1, 3], 1, 'valid', false],
    [[2, 6, 6, 2], [3, 1, 2, 2], 1, 'same', true],
    [[1, 9, 9, 3], [3, 3, 3, 1], 2, 'valid', true],
    // multiplier 1 runs through the SIMD row kernel: whole f32x4 groups, and a scalar tail
    [[1, 7, 7, 8], [3, 3, 8, 1], 2, 'same', false],
    [[2, 6, 5, 6], [3, 3, 6, 1], 1, 'valid', false],
    [[2, 9, 8, 12], [3, 3, 12, 1], 2, 'valid', true],
    [[3, 14, 14, 16], [3, 3, 16, 1], 1, 'same', false],
    [[1, 8, 8, 4], [3, 3, 4, 2], 2, 'same', false],
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

describe('the SIMD row kernel', () => {
  it('adds a * b row by row on the wasm heap, f32x4 and scalar tail alike, with pointers that move or stay', async () => {
    await setupBackend('wasm')
    const backend = tf.backend() as unknown as Parameters<typeof multiplyAddRows>[0]
    const rows = multiplyAddRows(backend)
    expect(rows).not.toBeNull() // the fast path is the one the depthwise tests above run
    const [n, channels] = [5, 7]
    const a = randomTensor([n, channels], 13)
    const b = randomTensor([channels], 14)
    const acc = randomTensor([n, channels], 15)
    const [av, bv, before] = await Promise.all([a.data(), b.data(), acc.data()])
    const heap = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo)
    rows!(heap(a).byteOffset, 4 * channels, heap(b).byteOffset, 0, heap(acc).byteOffset, 4 * channels, n, channels)
    const after = await acc.data()
    before.forEach((v, i) => expect(after[i]).toBeCloseTo(v + av[i] * bv[i % channels], 5))
    tf.dispose([a, b, acc])
  })
})

describe('Sum, Mean, Identity and Transpose on wasm', () => {
  it.each([
    [[64, 7, 7, 6], [0, 1, 2], true],
    [[4, 5, 9], [0, 1], false],
    [[6, 10], 0, false],
    [[6, 10], [-2], true],
    [[3, 4, 5], [1], false], // not leading: the original kernel
    [[3, 4, 5], [0, 1, 2], false], // everything: the original kernel
  ] as Array<[number[], number | number[], boolean]>)('Sum and Mean of %j over %j (keepDims %s) match the cpu backend', async (shape, axis, keepDims) => {
    const compute = async (backend: 'wasm' | 'cpu') => {
      await setupBackend(backend)
      const dataIds = tf.backend().numDataIds()
      const x = randomTensor(shape, 16)
      const outs = [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)]
      const values = await Promise.all(outs.map(async (t) => ({ shape: t.shape, values: new Float32Array(await t.data()) })))
      tf.dispose([x, ...outs])
      expect(tf.backend().numDataIds()).toBe(dataIds)
      return values
    }
    const cpu = await compute('cpu')
    const wasm = await compute('wasm')
    wasm.forEach((w, k) => {
      expect(w.shape).toEqual(cpu[k].shape)
      expectClose(w.values, cpu[k].values)
    })
  })

  it('sums int32 tensors with the original kernel', async () => {
    await setupBackend('wasm')
    const x = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32')
    const sum = tf.sum(x, 0)
    expect(sum.dtype).toBe('int32')
    expect(Array.from(await sum.data())).toEqual([4, 6])
    tf.dispose([x, sum])
  })

  it('clones (Identity) without a copy: the clone outlives the original and frees the memory last', async () => {
    await setupBackend('wasm')
    const dataIds = tf.backend().numDataIds()
    const x = randomTensor([3, 4], 17)
    const values = await x.data()
    const clone = tf.clone(x)
    expect(tf.backend().numDataIds()).toBe(dataIds + 1) // one buffer, two tensors
    x.dispose()
    expect(Array.from(await clone.data())).toEqual(Array.from(values))
    clone.dispose()
    expect(tf.backend().numDataIds()).toBe(dataIds)
  })

  it.each([
    [[64, 7, 7, 24], [3, 0, 1, 2], { shape: [3136, 24], perm: [1, 0] }],
    [[2, 1, 3, 4], [3, 0, 1, 2], { shape: [6, 4], perm: [1, 0] }],
    [[2, 3, 4, 5], [0, 2, 1, 3], { shape: [2, 3, 4, 5], perm: [0, 2, 1, 3] }],
    [[2, 3, 4, 5], [2, 3, 0, 1], { shape: [6, 20], perm: [1, 0] }],
    [[2, 3, 4], [0, 1, 2], { shape: [24], perm: [0] }],
  ])('merges the axes of a transpose of %j by %j', (shape, perm, merged) => {
    expect(mergeTransposeAxes(shape, perm)).toEqual(merged)
  })

  it.each([
    [[4, 3, 5, 6], [3, 0, 1, 2]],
    [[2, 3, 4, 5], [0, 2, 1, 3]],
    [[2, 1, 3, 4], [1, 3, 0, 2]],
    [[2, 3, 4], [0, 1, 2]],
    [[5, 6], [1, 0]],
  ])('transposes %j by %j as the cpu backend does', async (shape, perm) => {
    const compute = async (backend: 'wasm' | 'cpu') => {
      await setupBackend(backend)
      const dataIds = tf.backend().numDataIds()
      const x = randomTensor(shape, 18)
      const y = tf.transpose(x, perm)
      const result = { shape: y.shape, values: Array.from(await y.data()) }
      tf.dispose([x, y])
      expect(tf.backend().numDataIds()).toBe(dataIds)
      return result
    }
    expect(await compute('wasm')).toEqual(await compute('cpu'))
  })
})

describe('MaxPoolGrad on wasm', () => {
  // ReLU zeros make ties; the fast path sends dy to the first largest input, as the cpu backend does.
  // The original kernel (overlapping or padded windows) breaks ties its own way: those inputs have none.
  // (With 'same' padding it disagrees with the cpu backend even without ties: not this package's kernel.)
  it.each([
    [[2, 8, 8, 3], 2, 2, 'valid', true],
    [[1, 9, 7, 2], 2, 2, 'valid', true], // the last row and column belong to no window
    [[2, 6, 6, 5], 3, 3, 'valid', true],
    [[2, 7, 7, 2], 3, 2, 'valid', false], // overlapping windows: the original kernel
  ] as Array<[number[], number, number, Pad, boolean]>)('matches the cpu backend for x %j, pool %i, stride %i, %s (ties: %s)', async (shape, size, stride, pad, ties) => {
    const compute = async (backend: 'wasm' | 'cpu') => {
      await setupBackend(backend)
      const before = tf.memory().numTensors
      const x = tf.tidy(() => (ties ? tf.relu(randomTensor(shape, 19)) : randomTensor(shape, 19))) as tf.Tensor4D
      const r = randomTensor(tf.tidy(() => tf.maxPool(x, size, stride, pad).shape), 20)
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, size, stride, pad), r)))(x)
      const values = Array.from(await dx.data())
      tf.dispose([x, r, dx])
      expect(tf.memory().numTensors).toBe(before)
      return values
    }
    expect(await compute('wasm')).toEqual(await compute('cpu'))
  })
})
