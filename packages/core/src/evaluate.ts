import * as tf from '@tensorflow/tfjs-core'
import { HostSplit } from './batches.js'
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
  const whole = split.size <= batchSize && !split.host
  const batches = whole ? { count: 1, take: () => [split.x, split.y] } : (await HostSplit.from(split)).batches(batchSize)
  for (let b = 0; b < batches.count; b++) {
    const [x, y] = batches.take(b)
    const [nextLoss, nextCorrect] = tf.tidy(() => {
      const p = model.forward(x)
      return [tf.add(lossSum, tf.mul(taskLoss(task, y, p), x.shape[0])), tf.add(correct, correctCount(task, y, p))]
    })
    lossSum.dispose()
    correct.dispose()
    lossSum = nextLoss
    correct = nextCorrect
    if (!whole) tf.dispose([x, y])
  }
  const [loss, right] = [(await lossSum.data())[0], (await correct.data())[0]]
  lossSum.dispose()
  correct.dispose()
  return { loss: loss / split.size, accuracy: task === 'regression' ? NaN : right / split.size, samples: split.size }
}
