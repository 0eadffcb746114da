import * as tf from '@tensorflow/tfjs-core'

export const optimizerNames = ['sgd', 'momentum', 'adam'] as const
export type OptimizerName = (typeof optimizerNames)[number]

export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  if (name === 'sgd') return tf.train.sgd(learningRate)
  if (name === 'momentum') {
    // tfjs 4.22's MomentumOptimizer.dispose forgets the learning-rate scalar its SGD parent keeps: one tensor per optimizer.
    const optimizer = tf.train.momentum(learningRate, 0.9)
    const dispose = optimizer.dispose.bind(optimizer)
    optimizer.dispose = () => {
      dispose()
      ;(optimizer as unknown as { c?: tf.Tensor }).c?.dispose()
    }
    return optimizer
  }
  return tf.train.adam(learningRate)
}
