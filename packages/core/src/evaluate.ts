import * as tf from '@tensorflow/tfjs-core'
import type { Split, Task } from './data.js'
import { correctCount, taskLoss } from './loss.js'
import type { PrunableModel } from './model.js'

export interface Evaluation {
  loss: number
  /** Fraction correct; NaN for regression. */
  accuracy: number
  samples: number
}

/** Loss and accuracy over a whole split, in batches, with a single read-back at the end. */
export async function evaluateModel(model: PrunableModel, split: Split, task: Task, batchSize = 500): Promise<Evaluation> {
  let lossSum = tf.scalar(0)
  let correct = tf.scalar(0)
  for (let start = 0; start < split.size; start += batchSize) {
    const n = Math.min(batchSize, split.size - start)
    const [nextLoss, nextCorrect] = tf.tidy(() => {
      const x = tf.slice(split.x, start, n)
      const y = tf.slice(split.y, start, n)
      const p = model.forward(x)
      return [tf.add(lossSum, tf.mul(taskLoss(task, y, p), n)), tf.add(correct, correctCount(task, y, p))]
    })
    lossSum.dispose()
    correct.dispose()
    lossSum = nextLoss
    correct = nextCorrect
  }
  const [loss, right] = [(await lossSum.data())[0], (await correct.data())[0]]
  lossSum.dispose()
  correct.dispose()
  return { loss: loss / split.size, accuracy: task === 'regression' ? NaN : right / split.size, samples: split.size }
}
