import * as tf from '@tensorflow/tfjs-core'
import { scoreStrategy, type SelectionOptions } from './score-strategy.js'
import type { PruningStrategy } from './strategy.js'

/** The built-in strategy: weights with the smallest |w| are pruned first. */
// Typed out: an inferred type would print its unions in an order that differs between clean and incremental builds.
export const magnitude: PruningStrategy<SelectionOptions> = scoreStrategy({
  name: 'magnitude',
  description: 'Unstructured pruning of the smallest-magnitude weights (|w|), by sparsity or threshold, global or per layer',
  score: (weight) => tf.abs(weight),
})
