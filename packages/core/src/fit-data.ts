import * as tf from '@tensorflow/tfjs-core'
import { hostSplit } from './batches.js'
import type { Dataset, Split } from './data.js'
import { DataError } from './errors.js'
import type { PrunableModel } from './model.js'

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)
const show = (shape: number[]): string => `[${shape.join(', ')}] (${size(shape)} values)`

/**
 * Data meets the model where it stands: features with the same number of values as the model's
 * input (784 against [28, 28] or [28, 28, 1]) are reshaped to the input shape. Anything else, or an
 * output that does not match the classes, is refused with both shapes named.
 */
export function fitDataToModel(data: Dataset, model: PrunableModel, modelName = model.model.name): Dataset {
  const input = model.model.inputs[0].shape.slice(1).map((d) => d ?? -1)
  const output = model.model.outputs[model.output].shape.slice(1).map((d) => d ?? -1)
  const targets = data.train.y.shape.slice(1)
  if (output.length !== 1 || output[0] !== targets[0]) {
    throw new DataError(
      `Model "${modelName}" predicts shape [${output.join(', ')}] but dataset "${data.name}" has targets of shape [${targets.join(', ')}] (${data.numClasses} classes, task ${data.task}). Pick the model output that matches (model.output) or a dataset with as many classes.`,
    )
  }
  if (input.length === data.featureShape.length && input.every((d, i) => d === -1 || d === data.featureShape[i])) return data
  if (input.includes(-1) || size(input) !== size(data.featureShape)) {
    throw new DataError(`Dataset "${data.name}" has features of shape ${show(data.featureShape)}, but model "${modelName}" expects inputs of shape ${show(input)}. Use a dataset option that matches (e.g. mnist shape: image) or another model.`)
  }
  // Host features change only their row shape; tensor features get a reshaped view.
  const made: Array<{ dispose(): void }> = []
  const reshape = (split: Split): Split => {
    if (split.host) {
      const next = hostSplit({ ...split.host, shape: input }, split.y, split.size)
      made.push({ dispose: () => next.dispose() })
      return next
    }
    const x = tf.reshape(split.x, [split.size, ...input])
    made.push(x)
    return { x, y: split.y, size: split.size }
  }
  return {
    ...data,
    featureShape: input,
    train: reshape(data.train),
    validation: data.validation && reshape(data.validation),
    test: reshape(data.test),
    dispose() {
      made.forEach((m) => m.dispose())
      data.dispose()
    },
  }
}
