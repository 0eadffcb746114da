// Times the matrix kernels (asm/matrix.ts, asm/conv.ts) on the real layer shapes of LeNet-5 and
// mobilenet-mini at batch 64, and tfjs-backend-wasm's own forward op (tf.conv2d / tf.matMul, one thread)
// on the same shapes, side by side. Run by hand after `npm run build`: node packages/train-wasm/scripts/bench-matrix.mjs
import * as tf from '@tensorflow/tfjs-core'
import { setupBackend } from '@prunekit/core'
import { Heap } from '../dist/index.js'

const batch = 64
/** [name, h, width, cin, kernel, stride, padding, cout, bias, dx] for convs; dense as a 1x1 conv on 1x1 images. */
const conv = (name, h, cin, k, stride, pad, cout, bias = false, dx = true) => ({ name, h, cin, k, stride, pad, cout, bias, dx })
const dense = (name, inputs, units) => ({ ...conv(name, 1, inputs, 1, 1, 'valid', units, true), dense: true })
const models = {
  'LeNet-5': [
    conv('conv_1 5x5 1->6 same 28', 28, 1, 5, 1, 'same', 6, true, false),
    conv('conv_2 5x5 6->16 valid 14', 14, 6, 5, 1, 'valid', 16, true),
    dense('dense 400->120', 400, 120),
    dense('dense 120->84', 120, 84),
    dense('dense 84->10', 84, 10),
  ],
  'mobilenet-mini': [
    conv('stem 3x3 s2 1->16 28', 28, 1, 3, 2, 'same', 16, false, false),
    conv('b1_1 project 16->16 14', 14, 16, 1, 1, 'same', 16),
    conv('b2_1 expand 16->64 14', 14, 16, 1, 1, 'same', 64),
    conv('b2_1 project 64->24 7', 7, 64, 1, 1, 'same', 24),
    conv('b2_2 expand 24->96 7', 7, 24, 1, 1, 'same', 96),
    conv('b2_2 project 96->24 7', 7, 96, 1, 1, 'same', 24),
    conv('b3_1 expand 24->96 7', 7, 24, 1, 1, 'same', 96),
    conv('b3_1 project 96->32 4', 4, 96, 1, 1, 'same', 32),
    conv('b3_2 expand 32->128 4', 4, 32, 1, 1, 'same', 128),
    conv('b3_2 project 128->32 4', 4, 128, 1, 1, 'same', 32),
    conv('head 32->64 4', 4, 32, 1, 1, 'same', 64),
    dense('dense 64->10', 64, 10),
  ],
}

function axis(size, k, stride, pad) {
  if (pad === 'valid') return [Math.ceil((size - k + 1) / stride), 0]
  const out = Math.ceil(size / stride)
  return [out, Math.floor(Math.max(0, (out - 1) * stride + k - size) / 2)]
}

/** Fastest ms of f over enough calls to fill ~300 ms, after a warm-up (the CPU-bound figure on a shared machine). */
function time(f) {
  for (let i = 0; i < 3; i++) f()
  let t = performance.now()
  f()
  const once = Math.max(performance.now() - t, 0.01)
  const runs = Math.max(5, Math.min(200, Math.round(300 / once)))
  const samples = []
  for (let i = 0; i < runs; i++) {
    t = performance.now()
    f()
    samples.push(performance.now() - t)
  }
  return Math.min(...samples)
}

await setupBackend('wasm', { threads: 1 })
const heap = new Heap()
const fill = (n) => {
  const p = heap.alloc(n)
  const v = heap.f32(p, n)
  for (let i = 0; i < n; i++) v[i] = Math.sin(i * 0.37)
  return p
}
const gflops = (macs, ms) => ((2 * macs) / ms / 1e6).toFixed(1)
const pad = (s, n) => String(s).padEnd(n)
console.log(pad('layer', 28), pad('fwd ms', 8), pad('GF/s', 6), pad('bwd ms', 8), pad('GF/s', 6), pad('tfjs-wasm fwd ms', 17), 'GF/s')
for (const [model, layers] of Object.entries(models)) {
  let total = 0
  let tfjsTotal = 0
  console.log(`-- ${model}, batch ${batch}`)
  for (const l of layers) {
    const [oh, padTop] = axis(l.h, l.k, l.stride, l.pad)
    const kk = l.k * l.k * l.cin
    const positions = batch * oh * oh
    const x = fill(batch * l.h * l.h * l.cin)
    const w = fill(kk * l.cout)
    const b = l.bias ? fill(l.cout) : 0
    const y = heap.alloc(positions * l.cout)
    const dy = fill(positions * l.cout)
    const col = heap.alloc(positions * kk)
    const dcol = heap.alloc(positions * kk)
    const dx = l.dx ? heap.alloc(batch * l.h * l.h * l.cin) : 0
    const [dw, db] = [heap.alloc(kk * l.cout), l.bias ? heap.alloc(l.cout) : 0]
    const k = heap.kernels
    const geometry = [batch, l.h, l.h, l.cin, l.k, l.k, l.stride, l.stride, padTop, padTop, oh, oh, l.cout]
    const forward = l.dense ? () => k.denseForward(y, x, w, b, batch, l.cin, l.cout) : () => k.conv2dForward(y, x, w, b, col, ...geometry)
    const backward = l.dense ? () => k.denseBackward(dx, dw, db, dy, x, w, batch, l.cin, l.cout) : () => k.conv2dBackward(dx, dw, db, dy, x, w, col, dcol, ...geometry)
    forward()
    const fwd = time(forward)
    const bwd = time(backward)
    const macs = positions * kk * l.cout
    const xt = tf.randomNormal(l.dense ? [batch, l.cin] : [batch, l.h, l.h, l.cin])
    const wt = tf.randomNormal(l.dense ? [l.cin, l.cout] : [l.k, l.k, l.cin, l.cout])
    const op = l.dense ? () => tf.matMul(xt, wt) : () => tf.conv2d(xt, wt, l.stride, l.pad)
    const tfjs = time(() => op().dataSync())
    tf.dispose([xt, wt])
    total += fwd + bwd
    tfjsTotal += tfjs
    console.log(pad(l.name, 28), pad(fwd.toFixed(3), 8), pad(gflops(macs, fwd), 6), pad(bwd.toFixed(3), 8), pad(gflops(macs * (l.dx ? 2 : 1), bwd), 6), pad(tfjs.toFixed(3), 17), gflops(macs, tfjs))
  }
  console.log(`${model}: forward+backward of all convs and denses ${total.toFixed(2)} ms; tfjs-wasm forward alone ${tfjsTotal.toFixed(2)} ms`)
}
