import * as tf from '@tensorflow/tfjs-core'
import { createRng, DataError, hostSplit, type Dataset, type Split, type Task } from '@prunekit/core'

/**
 * One split as flat row-major arrays, before it becomes tensors. Byte features (a Uint8Array, such
 * as 8-bit images) stay on the host and are uploaded as float32 (`value * byteScale`) per batch.
 */
export interface SplitArrays {
  x: Float32Array | Uint8Array
  y: Float32Array
  size: number
}

export interface DatasetArrays {
  name: string
  task: Task
  numClasses: number
  featureShape: number[]
  train: SplitArrays
  /** Rows held out of train for choices that must not see the test split. */
  validation?: SplitArrays
  test: SplitArrays
  /** The float value of one byte feature step (1 / 255 maps 0..255 to [0, 1]). */
  byteScale?: number
}

function toSplit(arrays: SplitArrays, featureShape: number[], targetWidth: number, byteScale: number): Split & { dispose(): void } {
  const y = tf.tensor2d(arrays.y, [arrays.size, targetWidth], 'float32')
  if (arrays.x instanceof Uint8Array) {
    const split = hostSplit({ values: arrays.x, shape: [...featureShape], scale: byteScale }, y, arrays.size)
    const releaseX = split.dispose
    split.dispose = () => {
      releaseX()
      y.dispose()
    }
    return split
  }
  const x = tf.tensor(arrays.x, [arrays.size, ...featureShape], 'float32')
  return { x, y, size: arrays.size, dispose: () => tf.dispose([x, y]) }
}

/** Turns flat arrays into a Dataset whose dispose() frees every tensor it made. */
export function createDataset(arrays: DatasetArrays): Dataset {
  const targetWidth = arrays.task === 'binary' ? 1 : arrays.numClasses
  const make = (split: SplitArrays) => toSplit(split, arrays.featureShape, targetWidth, arrays.byteScale ?? 1 / 255)
  const train = make(arrays.train)
  const validation = arrays.validation && make(arrays.validation)
  const test = make(arrays.test)
  return {
    name: arrays.name,
    task: arrays.task,
    numClasses: arrays.numClasses,
    featureShape: [...arrays.featureShape],
    train,
    ...(validation ? { validation } : {}),
    test,
    dispose() {
      for (const split of [train, validation, test]) split?.dispose()
    },
  }
}

/** The numbers 0..n-1 in an order fixed by the seed. */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  return createRng(seed).shuffle(order)
}

/** Copies the listed rows of a row-major matrix (rows of `width` values) into a new array of the same kind. */
export function gatherRows<T extends Float32Array | Uint8Array>(source: T, width: number, rows: ArrayLike<number>): T {
  const out = new (source.constructor as new (n: number) => T)(rows.length * width)
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i] * width
    out.set(source.subarray(start, start + width), i * width)
  }
  return out
}

/** One-hot rows [labels.length, numClasses] for integer class labels. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Float32Array {
  const out = new Float32Array(labels.length * numClasses)
  for (let i = 0; i < labels.length; i++) out[i * numClasses + labels[i]] = 1
  return out
}

/** Splits n rows by a test fraction; both sides must keep at least one row. */
export function splitSizes(dataset: string, n: number, testFraction: number): { train: number; test: number } {
  const test = Math.round(n * testFraction)
  const train = n - test
  if (train < 1 || test < 1) {
    throw new DataError(
      `${dataset}: testFraction ${testFraction} of ${n} rows leaves ${train} for train and ${test} for test. ` +
        'Both need at least one row: pick a testFraction closer to 0.2, or more samples.',
    )
  }
  return { train, test }
}
