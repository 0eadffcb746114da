// A custom pruning strategy in a few lines: random pruning, the baseline every real strategy must beat.
// scoreStrategy() gives it core's whole selection for free: sparsity or threshold, global or per-layer
// scope, include/exclude and per-layer overrides. Only the score is ours: lower scores are pruned first.
import * as tf from '@tensorflow/tfjs-core'
import { definePlugin, scoreStrategy } from '@prunekit/core'

const random = scoreStrategy({
  name: 'random',
  description: 'Random unstructured pruning (seeded): the baseline to beat',
  score: (weight, ctx) => tf.randomUniform(weight.shape, 0, 1, 'float32', ctx.rng.seed()),
})

export default definePlugin({
  name: 'random-strategy',
  register(registry) {
    registry.strategies.add(random)
  },
})
