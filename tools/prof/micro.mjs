import * as tf from '@tensorflow/tfjs-core'
import { setupBackend } from '@prunekit/core'
await setupBackend('wasm')
function time(label, f, n = 50) {
  for (let i = 0; i < 5; i++) tf.dispose(f())
  const t = performance.now()
  for (let i = 0; i < n; i++) tf.dispose(f())
  console.log(label.padEnd(40), ((performance.now() - t) / n).toFixed(3), 'ms')
}
for (const shape of [[64, 4, 4, 32], [64, 7, 7, 96], [64, 14, 14, 64]]) {
  const a = tf.randomNormal(shape), b = tf.randomNormal(shape)
  const size = a.size
  time(`mul ${shape} (${size})`, () => tf.mul(a, b))
  time(`add ${shape}`, () => tf.add(a, b))
  time(`greaterEqual scalar ${shape}`, () => tf.greaterEqual(a, 0))
  time(`relu6 ${shape}`, () => tf.relu6(a))
  time(`mul by channel ${shape}`, () => tf.mul(a, tf.ones([shape[3]])))
}
const a = tf.randomNormal([1024, 1024]), b = tf.randomNormal([1024, 1024])
time('matmul 1024', () => tf.matMul(a, b), 5)
const x = tf.randomNormal([12544, 16]), y = tf.randomNormal([12544, 64])
time('matmul xT y [16x12544]x[12544x64]', () => tf.matMul(x, y, true, false), 10)
const xt = tf.transpose(x)
time('matmul xt y (pre-transposed)', () => tf.matMul(xt, y), 10)
time('transpose x', () => tf.transpose(x), 10)
