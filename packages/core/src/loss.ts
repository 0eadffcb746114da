import * as tf from '@tensorflow/tfjs-core'
import type { Task } from './data.js'

const epsilon = 1e-7

/** Mean loss for the task: categorical cross-entropy, binary cross-entropy or mean squared error. */
export function taskLoss(task: Task, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    if (task === 'regression') return tf.mean(tf.squaredDifference(yTrue, yPred))
    const p = tf.clipByValue(yPred, epsilon, 1 - epsilon)
    if (task === 'binary') {
      const terms = tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))))
      return tf.neg(tf.mean(terms)) as tf.Scalar
    }
    return tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(p)), -1))) as tf.Scalar
  })
}

/** Number of correct predictions in a batch (argmax for multiclass, 0.5 cut for binary). */
export function correctCount(task: Task, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    if (task === 'binary') return tf.sum(tf.cast(tf.equal(tf.greaterEqual(yPred, 0.5), tf.greaterEqual(yTrue, 0.5)), 'float32'))
    if (task === 'regression') return tf.scalar(0)
    return tf.sum(tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), 'float32'))
  })
}

/** Knowledge distillation's weights: the temperature that softens both distributions, and the share of the teacher's term. */
export interface DistillWeights {
  temperature: number
  alpha: number
}

/**
 * (1 - alpha) * cross-entropy + alpha * T^2 * KL(softmax(teacher / T) || softmax(student / T)), batch mean
 * (Hinton et al. 2015). Models here end in softmax, so both sides enter as log-probabilities: those
 * are the logits less a per-row constant, which the softmax at temperature T ignores.
 */
export function distillationLoss(yTrue: tf.Tensor, yPred: tf.Tensor, teacherLogProbs: tf.Tensor, { temperature: t, alpha }: DistillWeights): tf.Scalar {
  return tf.tidy((): tf.Scalar => {
    const hard = taskLoss('multiclass', yTrue, yPred)
    const student = tf.logSoftmax(tf.div(logProbabilities(yPred), t))
    const teacher = tf.logSoftmax(tf.div(teacherLogProbs, t))
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(teacher), tf.sub(teacher, student)), -1))
    return tf.add(tf.mul(1 - alpha, hard), tf.mul(alpha * t * t, kl)) as tf.Scalar
  })
}

/** log p of a softmax output, clipped as the cross-entropy clips it. */
export function logProbabilities(probabilities: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.log(tf.clipByValue(probabilities, epsilon, 1 - epsilon)))
}
