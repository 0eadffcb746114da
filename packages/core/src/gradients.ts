import * as tf from '@tensorflow/tfjs-core'
import type { Task } from './data.js'
import { taskLoss } from './loss.js'
import type { PrunableModel } from './model.js'

/** The loss of one batch as the trainer computes it: the task's loss on the model's prediction. */
export function batchLoss(model: PrunableModel, task: Task, x: tf.Tensor, y: tf.Tensor, training = true): tf.Scalar {
  return taskLoss(task, y, model.forward(x, training))
}

/** Gradients of a loss keyed by weight key (`dense_1/kernel`), from tfjs's gradients keyed by variable name. */
export function byWeightKey(model: PrunableModel, grads: tf.NamedTensorMap): Map<string, tf.Tensor> {
  const keyed = new Map<string, tf.Tensor>()
  for (const ref of model.weights()) {
    const grad = grads[(ref.variable.read() as tf.Variable).name]
    if (grad) keyed.set(ref.key, grad)
  }
  return keyed
}

/**
 * The gradient of the batch loss with respect to every trainable weight, keyed by weight key, and the
 * loss: the same loss the trainer minimises. The caller owns (and disposes) the returned tensors.
 */
export function weightGradients(model: PrunableModel, task: Task, x: tf.Tensor, y: tf.Tensor, training = false): { loss: tf.Scalar; gradients: Map<string, tf.Tensor> } {
  const variables = model.weights().map((ref) => ref.variable.read() as tf.Variable)
  const { value, grads } = tf.variableGrads(() => batchLoss(model, task, x, y, training), variables)
  return { loss: value, gradients: byWeightKey(model, grads) }
}
