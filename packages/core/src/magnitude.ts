import * as tf from '@tensorflow/tfjs-core'
import { scoreStrategy } from './score-strategy.js'

/** The built-in strategy: weights with the smallest |w| are pruned first. */
export const magnitude = scoreStrategy({
  name: 'magnitude',
  description: 'Unstructured pruning of the smallest-magnitude weights (|w|), by sparsity or threshold, global or per layer',
  score: (weight) => tf.abs(weight),
})
