import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-core/dist/register_all_gradients'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectClose, upload } from '../test/tfjs-reference.js'
import { Heap } from './module.js'

/** Copies data onto the heap; returns its pointer. */
const upload1 = (heap: Heap, data: ArrayLike<number>): number => upload(heap, data)[0]

// Every kernel against tfjs on the cpu backend (float32), on shapes that hit the edges of the 4x8 blocks.

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Seeded values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 31 - 1
  })
}

/** Copies data (a multiple of 4 floats) onto the heap so that it ends exactly where memory ends. */
function putLast(heap: Heap, data: Float32Array): number {
  const memoryEnd = (): number => heap.f32(0, 0).buffer.byteLength
  if (memoryEnd() - heap.size < data.length * 4) heap.alloc((memoryEnd() - heap.size) / 4 + 4)
  const filler = memoryEnd() - heap.size - data.length * 4
  if (filler > 0) heap.alloc(filler / 4)
  const pointer = upload1(heap, data)
  expect(pointer + data.length * 4).toBe(memoryEnd())
  return pointer
}

/** Runs f with the tfjs tensors it makes disposed afterwards, checking none leaks. */
function scoped(f: () => void): void {
  const before = tf.memory().numTensors
  tf.tidy(f)
  expect(tf.memory().numTensors).toBe(before)
}

describe('matmul kernels', () => {
  const shapes = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 8],
    [5, 3, 13],
    [9, 17, 6],
    [13, 300, 10],
    [64, 400, 120],
    [7, 2, 33],
    // several depth chunks (B beyond 256 KB)
    [5, 300, 600],
    // a small C over a long depth (a 1x1 conv's dw): matmulTN in depth chunks that stay in L1
    [16, 2000, 24],
  ]
  it.each(shapes)('m=%i k=%i n=%i: matmul, matmulTN, matmulNT, and accumulate', (m, k, n) => {
    scoped(() => {
      const heap = new Heap()
      const a = values(m * k, m + 7 * k)
      const b = values(k * n, n + 13 * k)
      const c0 = values(m * n, 5)
      const at = tf.tensor2d(a, [m, k])
      const bt = tf.tensor2d(b, [k, n])
      const expected = tf.matMul(at, bt)
      const summed = tf.add(expected, tf.tensor2d(c0, [m, n]))
      const [pa, pb, pc] = [upload1(heap, a), upload1(heap, b), upload1(heap, c0)]
      const aT = upload1(heap, tf.transpose(at).dataSync() as Float32Array)
      const bT = upload1(heap, tf.transpose(bt).dataSync() as Float32Array)
      const work = heap.alloc(k * n)
      const products = [
        (accumulate: number) => heap.kernels.matmul(pc, pa, pb, m, k, n, accumulate),
        (accumulate: number) => heap.kernels.matmulTN(pc, aT, pb, m, k, n, accumulate),
        (accumulate: number) => heap.kernels.matmulNT(pc, pa, bT, m, k, n, accumulate, work),
      ]
      for (const product of products) {
        product(0)
        expectClose(heap, pc, expected)
        heap.f32(pc, m * n).set(c0)
        product(1)
        expectClose(heap, pc, summed)
      }
    })
  })

  it('reads no float past the end of memory when B is the last array (a narrow block, computed exactly)', () => {
    scoped(() => {
      const heap = new Heap()
      const [m, k, n] = [5, 8, 6]
      const a = values(m * k, 1)
      const b = values(k * n, 2)
      const pa = upload1(heap, a)
      const pc = heap.alloc(m * n)
      const pb = putLast(heap, b)
      heap.kernels.matmul(pc, pa, pb, m, k, n, 0)
      expectClose(heap, pc, tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])))
    })
  })

  it('leaves the floats around its output untouched (partial edge vectors)', () => {
    const heap = new Heap()
    const [m, k, n] = [5, 3, 7]
    const pa = upload1(heap, values(m * k, 1))
    const pb = upload1(heap, values(k * n, 2))
    const guard = heap.alloc(m * n + 8)
    heap.f32(guard, m * n + 8).fill(42)
    heap.kernels.matmul(guard + 16, pa, pb, m, k, n, 0)
    const all = heap.f32(guard, m * n + 8)
    expect([...all.slice(0, 4), ...all.slice(4 + m * n)]).toEqual(Array(8).fill(42))
  })
})

describe('dense kernels', () => {
  it.each([
    [1, 3, 5, true],
    [3, 7, 6, true],
    [3, 400, 120, false],
    [5, 84, 10, true],
    [2, 300, 600, true],
  ])('batch=%i inputs=%i units=%i bias=%s: forward and the gradients tf.grads gives', (batch, inputs, units, withBias) => {
    scoped(() => {
      const heap = new Heap()
      const [x, w, b, dy] = [values(batch * inputs, 1), values(inputs * units, 2), values(units, 3), values(batch * units, 4)]
      const [px, pw, pb, pdy] = [upload1(heap, x), upload1(heap, w), upload1(heap, b), upload1(heap, dy)]
      const [py, pdx, pdw, pdb] = [heap.alloc(batch * units), heap.alloc(batch * inputs), heap.alloc(inputs * units), heap.alloc(units)]
      const xt = tf.tensor2d(x, [batch, inputs])
      const wt = tf.tensor2d(w, [inputs, units])
      const bt = tf.tensor1d(b)
      const f = (xi: tf.Tensor, wi: tf.Tensor, bi?: tf.Tensor): tf.Tensor => (bi ? tf.add(tf.matMul(xi, wi), bi) : tf.matMul(xi, wi))
      const args = withBias ? [xt, wt, bt] : [xt, wt]
      heap.kernels.denseForward(py, px, pw, withBias ? pb : 0, batch, inputs, units)
      expectClose(heap, py, f(xt, wt, withBias ? bt : undefined))
      const [gx, gw, gb] = tf.grads(f)(args, tf.tensor2d(dy, [batch, units]))
      heap.kernels.denseBackward(pdx, pdw, withBias ? pdb : 0, pdy, px, pw, batch, inputs, units)
      expectClose(heap, pdx, gx)
      expectClose(heap, pdw, gw)
      if (withBias) expectClose(heap, pdb, gb)
      // Without dx and db: dw alone, the same
      heap.f32(pdw, inputs * units).fill(7)
      heap.kernels.denseBackward(0, pdw, 0, pdy, px, pw, batch, inputs, units)
      expectClose(heap, pdw, gw)
    })
  })
})

type ConvCase = [batch: number, h: number, width: number, cin: number, k: number, stride: number, pad: 'same' | 'valid', cout: number]

/** tfjs's output size and leading padding for one axis (as conv_util.computeConv2DInfo). */
function axis(size: number, k: number, stride: number, pad: 'same' | 'valid'): [out: number, before: number] {
  if (pad === 'valid') return [Math.ceil((size - k + 1) / stride), 0]
  const out = Math.ceil(size / stride)
  const total = Math.max(0, (out - 1) * stride + k - size)
  return [out, Math.floor(total / 2)]
}

describe('conv2d kernels', () => {
  it('reads no float past the end of memory when w (forward) or dy (dw) is the last array', () => {
    scoped(() => {
      // 1 x 6 x 6 x 2 image, 3x3 kernel 'same', 6 channels: w has 108 floats, dy 216
      const [h, cin, cout] = [6, 2, 6]
      const x = values(h * h * cin, 1)
      const w = values(9 * cin * cout, 2)
      const dy = values(h * h * cout, 3)
      const geometry = [1, h, h, cin, 3, 3, 1, 1, 1, 1, h, h, cout] as const
      const xt = tf.tensor4d(x, [1, h, h, cin])
      const wt = tf.tensor4d(w, [3, 3, cin, cout])
      const first = new Heap()
      const [px, py, col] = [upload1(first, x), first.alloc(dy.length), first.alloc(h * h * 9 * cin)]
      first.kernels.conv2dForward(py, px, putLast(first, w), 0, col, ...geometry)
      expectClose(first, py, tf.conv2d(xt, wt, 1, 'same'))
      const second = new Heap()
      const [qx, qw, qdw, qcol] = [upload1(second, x), upload1(second, w), second.alloc(w.length), second.alloc(h * h * 9 * cin)]
      second.kernels.conv2dForward(second.alloc(dy.length), qx, qw, 0, qcol, ...geometry)
      second.kernels.conv2dBackward(0, qdw, 0, putLast(second, dy), qx, qw, qcol, 0, ...geometry)
      const [, gw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, 1, 'same'))([xt, wt], tf.tensor4d(dy, [1, h, h, cout]))
      expectClose(second, qdw, gw)
    })
  })

  const cases: ConvCase[] = [
    [1, 5, 5, 1, 3, 1, 'same', 1],
    [3, 7, 6, 3, 3, 2, 'same', 6],
    [2, 9, 8, 1, 5, 1, 'same', 6],
    [3, 8, 7, 6, 5, 1, 'valid', 16],
    [1, 6, 6, 16, 1, 1, 'same', 6],
    [3, 7, 7, 6, 1, 2, 'valid', 3],
    [1, 8, 8, 3, 3, 2, 'valid', 16],
    [2, 7, 7, 16, 3, 2, 'same', 5],
    // dw over several chunks of output rows
    [3, 16, 16, 3, 3, 1, 'same', 16],
    // stride 3 with padding: the padded image would not fit in col, so col is written out (im2col)
    [2, 7, 7, 3, 2, 3, 'same', 5],
    // the real first layers: LeNet-5's conv_1, mobilenet-mini's stem (even size, stride 2: padding bottom/right only)
    [2, 28, 28, 1, 5, 1, 'same', 6],
    [2, 28, 28, 1, 3, 2, 'same', 16],
    // one input channel, stride 1 (direct forward): unpadded x as the source, 16 channels in groups of 6, 6, 4;
    // rows of 9 and 7 pixels (the last 4 overlap), 7 channels (a group of 1)
    [2, 10, 12, 1, 3, 1, 'valid', 16],
    [3, 9, 7, 1, 5, 1, 'same', 7],
    // rows of 5k output pixels and 8k channels (5-position blocks per kernel row): LeNet-5's conv_2, and padded
    [2, 14, 14, 6, 5, 1, 'valid', 16],
    [2, 10, 10, 3, 3, 1, 'same', 8],
  ]
  it.each(cases)('batch=%i %ix%ix%i kernel %i stride %i %s -> %i channels: forward, dx, dw, db', (batch, h, width, cin, k, stride, pad, cout) => {
    scoped(() => {
      const heap = new Heap()
      const [oh, padTop] = axis(h, k, stride, pad)
      const [ow, padLeft] = axis(width, k, stride, pad)
      const [x, w, b, dy] = [values(batch * h * width * cin, 1), values(k * k * cin * cout, 2), values(cout, 3), values(batch * oh * ow * cout, 4)]
      const [px, pw, pb, pdy] = [upload1(heap, x), upload1(heap, w), upload1(heap, b), upload1(heap, dy)]
      const colSize = batch * oh * ow * k * k * cin
      const [py, col, dcol] = [heap.alloc(batch * oh * ow * cout), heap.alloc(colSize), heap.alloc(colSize)]
      const [pdx, pdw, pdb] = [heap.alloc(x.length), heap.alloc(w.length), heap.alloc(cout)]
      const xt = tf.tensor4d(x, [batch, h, width, cin])
      const wt = tf.tensor4d(w, [k, k, cin, cout])
      const f = (xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Tensor => tf.add(tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, stride, pad), bi)
      const geometry = [batch, h, width, cin, k, k, stride, stride, padTop, padLeft, oh, ow, cout] as const
      heap.kernels.conv2dForward(py, px, pw, pb, col, ...geometry)
      expectClose(heap, py, f(xt, wt, tf.tensor1d(b)))
      heap.kernels.conv2dForward(py, px, pw, 0, col, ...geometry)
      expectClose(heap, py, tf.conv2d(xt, wt, stride, pad))
      const [gx, gw, gb] = tf.grads(f)([xt, wt, tf.tensor1d(b)], tf.tensor4d(dy, [batch, oh, ow, cout]))
      heap.f32(pdx, x.length).fill(7)
      heap.kernels.conv2dBackward(pdx, pdw, pdb, pdy, px, pw, col, dcol, ...geometry)
      expectClose(heap, pdx, gx)
      expectClose(heap, pdw, gw)
      expectClose(heap, pdb, gb)
      heap.f32(pdw, w.length).fill(7)
      heap.kernels.conv2dBackward(0, pdw, 0, pdy, px, pw, col, dcol, ...geometry)
      expectClose(heap, pdw, gw)
      if (k === 1 && stride === 1) {
        // 1x1: no col, no dcol
        heap.kernels.conv2dForward(py, px, pw, 0, 0, ...geometry)
        expectClose(heap, py, tf.conv2d(xt, wt, stride, pad))
        heap.kernels.conv2dBackward(pdx, pdw, 0, pdy, px, pw, 0, 0, ...geometry)
        expectClose(heap, pdx, gx)
        expectClose(heap, pdw, gw)
      }
    })
  })
})
