import type * as tf from '@tensorflow/tfjs-core'
import type { ZodType } from 'zod'
import type { Named } from './catalog.js'
import type { Rng } from './rng.js'

/** What the model is asked to do; it picks the loss and the accuracy measure. */
export type Task = 'multiclass' | 'binary' | 'regression'

/**
 * Features held on the host as bytes (8-bit images: 47 MB for Fashion-MNIST's 60,000, not 188 MB of
 * float32), uploaded as float32 (`value * scale`) one batch at a time by the trainer and evaluation.
 */
export interface HostFeatures {
  values: Uint8Array
  /** One row's shape, e.g. [28, 28, 1]. */
  shape: number[]
  scale: number
}

/** One split of a dataset: features and targets. */
export interface Split {
  /**
   * Features, shape [n, ...featureShape]. For a split with `host` features this float32 tensor is
   * made on first access only (training and evaluation never touch it): avoid it for big data.
   */
  x: tf.Tensor
  /** Targets: one-hot [n, classes] for multiclass, [n, 1] in {0, 1} for binary, [n, k] for regression. */
  y: tf.Tensor
  size: number
  /** Set when the features live on the host as bytes (see `hostSplit`). */
  host?: HostFeatures
}

export interface Dataset {
  name: string
  task: Task
  numClasses: number
  featureShape: number[]
  train: Split
  /** Rows held out of `train` for choices (sensitivity, thresholds), so `test` is not used for them. */
  validation?: Split
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
