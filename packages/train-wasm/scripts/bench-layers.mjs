// Times the layer kernels (asm/layers*.ts) on mobilenet-mini's and LeNet-5's batch-64 shapes against
// tfjs-backend-wasm doing the same ops (registered as prunekit trains: setupBackend('wasm')), side by
// side in one process. Build first (npm run build --silent), then: node packages/train-wasm/scripts/bench-layers.mjs
import { setupBackend } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { Heap } from '../dist/index.js'

await setupBackend('wasm')
const batch = 64
const rounds = 5

/** Median CPU ms per call of fn (process CPU time: the machine is shared, both sides run on one thread). */
function time(fn, reps) {
  const samples = []
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage()
    for (let i = 0; i < reps; i++) fn()
    const { user, system } = process.cpuUsage(start)
    samples.push((user + system) / 1000 / reps)
  }
  return samples.sort((a, b) => a - b)[rounds >> 1]
}

/** Runs both sides warm, alternating, and prints one row. */
function row(name, flops, ours, tfjsOp, reps = 20) {
  // Whatever tfjs returns is disposed, so that no run leaks tensors into the next.
  const theirs = () => tf.dispose(tf.tidy(tfjsOp))
  ours()
  theirs()
  const a = time(ours, reps)
  const b = time(theirs, reps)
  const a2 = time(ours, reps)
  const b2 = time(theirs, reps)
  const [mine, tfjs] = [Math.min(a, a2), Math.min(b, b2)]
  const gflops = flops ? `${((flops / mine) * 1e-6).toFixed(1)} GFLOP/s` : ''
  console.log(`${name.padEnd(46)} ${mine.toFixed(3).padStart(7)} ms ${gflops.padStart(14)}   tfjs-wasm ${tfjs.toFixed(3).padStart(7)} ms   ${(tfjs / mine).toFixed(1).padStart(5)}x`)
  return { mine, tfjs }
}

const heap = new Heap()
const k = heap.kernels
const randomOnHeap = (n, seed) => {
  const p = heap.alloc(n)
  const t = tf.randomUniform([n], -1, 1, 'float32', seed)
  heap.f32(p, n).set(t)
  t.dispose()
  return p
}
const totals = { mine: 0, tfjs: 0 }
const add = ({ mine, tfjs }, times = 1) => {
  totals.mine += mine * times
  totals.tfjs += tfjs * times
}

console.log(`batch ${batch}; CPU ms per call (best of two medians of ${rounds} rounds); ratio = tfjs-wasm / ours`)
// mobilenet-mini's depthwise layers: [h, c, stride]
for (const [h, c, s] of [[14, 16, 1], [14, 64, 2], [7, 96, 1], [7, 96, 2], [4, 128, 1]]) {
  const o = Math.ceil(h / s)
  const pad = Math.floor(Math.max((o - 1) * s + 3 - h, 0) / 2)
  const [x, w, y, dy, dx, dw] = [[h * h * c], [9 * c], [o * o * c], [o * o * c], [h * h * c], [9 * c]].map(([n], i) => randomOnHeap(n * (i === 1 || i === 5 ? 1 : batch), i))
  const geometry = [batch, h, h, c, 3, 3, s, s, pad, pad, o, o]
  const xt = tf.randomUniform([batch, h, h, c], -1, 1, 'float32', 1)
  const wt = tf.randomUniform([3, 3, c, 1], -1, 1, 'float32', 2)
  const dyt = tf.randomUniform([batch, o, o, c], -1, 1, 'float32', 3)
  const flops = 2 * batch * o * o * c * 9
  add(row(`depthwise ${h}x${h}x${c} s${s} forward`, flops, () => k.depthwiseForward(y, x, w, ...geometry), () => tf.tidy(() => tf.depthwiseConv2d(xt, wt, s, 'same'))))
  const grads = tf.grads((a, b) => tf.mul(tf.depthwiseConv2d(a, b, s, 'same'), dyt))
  add(row(`depthwise ${h}x${h}x${c} s${s} backward (dx, dw)`, 2 * flops, () => k.depthwiseBackward(dx, dw, dy, x, w, ...geometry), () => tf.tidy(() => grads([xt, wt]))))
  tf.dispose([xt, wt, dyt])
}

// BatchNormalization + ReLU6 (layer with maxValue 6) on each of mobilenet-mini's BN shapes: [pixels, c, how many]
for (const [pixels, c, count] of [[196, 16, 3], [196, 64, 1], [49, 64, 1], [49, 24, 2], [49, 96, 3], [16, 96, 1], [16, 32, 2], [16, 128, 2], [16, 64, 1]]) {
  const rows = batch * pixels
  const n = rows * c
  const [x, y, dy, dx, r, dr] = [0, 1, 2, 3, 4, 5].map((i) => randomOnHeap(n, 10 + i))
  const [gamma, beta, mean, invStd, mm, mv, dgamma, dbeta] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => randomOnHeap(c, 20 + i))
  const shape = [batch, Math.sqrt(pixels), Math.sqrt(pixels), c]
  const layer = tfl.layers.batchNormalization({ axis: -1 })
  const relu = tfl.layers.reLU({ maxValue: 6 })
  layer.build(shape)
  const xt = tf.randomUniform(shape, -1, 1, 'float32', 30)
  const dyt = tf.randomUniform(shape, -1, 1, 'float32', 31)
  row(`batchNorm ${shape.slice(1).join('x')} train forward`, 0, () => k.batchNormTrainForward(y, x, gamma, beta, mean, invStd, mm, mv, rows, c, 1e-3, 0.99), () => tf.tidy(() => layer.apply(xt, { training: true })), 10)
  const grads = () => tf.tidy(() => {
    tf.variableGrads(() => tf.sum(tf.mul(relu.apply(layer.apply(xt, { training: true })), dyt)))
  })
  const ours = () => {
    k.batchNormTrainForward(y, x, gamma, beta, mean, invStd, mm, mv, rows, c, 1e-3, 0.99)
    k.activationForward(r, y, n, 1, 6)
    k.activationBackward(dr, dy, y, n, 1, 6)
    k.batchNormBackward(dx, dgamma, dbeta, dr, x, mean, invStd, gamma, rows, c)
  }
  add(row(`batchNorm+ReLU6 ${shape.slice(1).join('x')} fwd+bwd (vs its grads)`, 0, ours, grads, 10), count)
  tf.dispose([xt, dyt])
}

{
  // residual Adds (3 of them), global average pooling 4x4x64, softmax cross-entropy 64x10
  const n = batch * 196 * 16
  const [a, b, y] = [0, 1, 2].map((i) => randomOnHeap(n, 40 + i))
  const [at, bt] = [tf.randomUniform([n], -1, 1, 'float32', 1), tf.randomUniform([n], -1, 1, 'float32', 2)]
  add(row('add 14x14x16 (x3 in the sum)', 0, () => k.addForward(y, a, b, n), () => tf.tidy(() => tf.add(at, bt))), 3)
  const g = batch * 16 * 64
  const [gx, gy, gdy, gdx] = [g, batch * 64, batch * 64, g].map((m, i) => randomOnHeap(m, 50 + i))
  const gxt = tf.randomUniform([batch, 4, 4, 64], -1, 1, 'float32', 3)
  const gdyt = tf.randomUniform([batch, 64], -1, 1, 'float32', 4)
  const poolGrads = tf.grads((t) => tf.mul(tf.mean(t, [1, 2]), gdyt))
  add(row('global avg pool 4x4x64 fwd+bwd', 0, () => { k.globalAvgPoolForward(gy, gx, batch, 16, 64); k.globalAvgPoolBackward(gdx, gdy, batch, 16, 64) }, () => tf.tidy(() => poolGrads([gxt])[0])))
  const [logits, labels, probs, dlogits] = [0, 1, 2, 3].map((i) => randomOnHeap(batch * 10, 60 + i))
  const lt = tf.randomUniform([batch, 10], -3, 3, 'float32', 5)
  const yt = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10)
  const lossGrad = tf.valueAndGrad((l) => tf.neg(tf.mean(tf.sum(tf.mul(yt, tf.log(tf.clipByValue(tf.softmax(l), 1e-7, 1 - 1e-7))), -1))))
  add(row('softmax cross-entropy 64x10 loss+grad', 0, () => k.softmaxCrossEntropy(probs, dlogits, logits, labels, batch, 10), () => tf.tidy(() => lossGrad(lt))))
}

{
  // adam over mobilenet-mini's trainable weights, one call per weight tensor as tfjs does
  const sizes = [144, 16, 16, 144, 16, 16, 256, 16, 16, 1024, 64, 64, 576, 64, 64, 1536, 24, 24, 2304, 96, 96, 864, 96, 96, 2304, 24, 24, 2304, 96, 96, 864, 96, 96, 3072, 32, 32, 4096, 128, 128, 1152, 128, 128, 4096, 32, 32, 2048, 64, 64, 640, 10]
  const buffers = sizes.map((n, i) => [n, randomOnHeap(n, 70 + i), randomOnHeap(n, 170 + i), randomOnHeap(n, 270 + i), randomOnHeap(n, 370 + i)])
  const variables = sizes.map((n, i) => tf.variable(tf.randomUniform([n], -1, 1, 'float32', i)))
  const gradients = Object.fromEntries(variables.map((v, i) => [v.name, tf.randomUniform([sizes[i]], -1, 1, 'float32', 100 + i)]))
  const optimizer = tf.train.adam(0.001)
  const total = sizes.reduce((s, n) => s + n, 0)
  add(
    row(`adam, ${sizes.length} tensors, ${total} weights`, 0, () => { for (const [n, w, g, m, v] of buffers) k.adamUpdate(w, g, m, v, n, 0.001, 0.9, 0.999, 1e-7, 0.9, 0.999) }, () => optimizer.applyGradients(gradients), 10),
  )
}
console.log(`\nsum per mobilenet-mini batch of these layer ops: ours ${totals.mine.toFixed(2)} ms, tfjs-wasm ${totals.tfjs.toFixed(2)} ms (${(totals.tfjs / totals.mine).toFixed(1)}x); each depthwise and BN+ReLU6 fwd+bwd row once per layer of that shape`)

{
  // LeNet-5's max pools: 28x28x6 and 10x10x16, 2x2 stride 2
  console.log('\nLeNet-5')
  for (const [h, c] of [[28, 6], [10, 16]]) {
    const o = h / 2
    const [x, y, dy, dx] = [h * h * c, o * o * c, o * o * c, h * h * c].map((n, i) => randomOnHeap(batch * n, 80 + i))
    const geometry = [batch, h, h, c, 2, 2, 2, 2, 0, 0, o, o]
    const xt = tf.randomUniform([batch, h, h, c], -1, 1, 'float32', 6)
    const dyt = tf.randomUniform([batch, o, o, c], -1, 1, 'float32', 7)
    const grads = tf.grads((t) => tf.mul(tf.maxPool(t, 2, 2, 'valid'), dyt))
    row(`maxPool ${h}x${h}x${c} fwd+bwd`, 0, () => { k.maxPoolForward(y, x, ...geometry); k.maxPoolBackward(dx, dy, x, ...geometry) }, () => tf.tidy(() => grads([xt])[0]))
  }
}
