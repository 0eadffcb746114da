import type * as tf from '@tensorflow/tfjs-core'
import type { ZodType } from 'zod'
import type { Named } from './catalog.js'
import type { Rng } from './rng.js'

/** What the model is asked to do; it picks the loss and the accuracy measure. */
export type Task = 'multiclass' | 'binary' | 'regression'

/** One split of a dataset, held as two tensors (features, targets). */
export interface Split {
  /** Features, shape [n, ...featureShape]. */
  x: tf.Tensor
  /** Targets: one-hot [n, classes] for multiclass, [n, 1] in {0, 1} for binary, [n, k] for regression. */
  y: tf.Tensor
  size: number
}

export interface Dataset {
  name: string
  task: Task
  numClasses: number
  featureShape: number[]
  train: Split
  test: Split
  dispose(): void
}

export interface DatasetContext {
  seed: number
  rng: Rng
}

/** A catalog entry that loads a dataset from its validated options. */
export interface DatasetFactory<O = Record<string, unknown>> extends Named {
  options: ZodType<O>
  load(options: O, ctx: DatasetContext): Promise<Dataset>
}

/** Identity helper that keeps a dataset factory's option types. */
export function defineDataset<O>(factory: DatasetFactory<O>): DatasetFactory<O> {
  return factory
}
