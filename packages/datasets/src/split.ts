import * as tf from '@tensorflow/tfjs-core'
import { createRng, DataError, type Dataset, type Split, type Task } from '@prunekit/core'

/** One split as flat row-major arrays, before it becomes tensors. */
export interface SplitArrays {
  x: Float32Array
  y: Float32Array
  size: number
}

export interface DatasetArrays {
  name: string
  task: Task
  numClasses: number
  featureShape: number[]
  train: SplitArrays
  test: SplitArrays
}

function toSplit(arrays: SplitArrays, featureShape: number[], targetWidth: number): Split {
  return {
    x: tf.tensor(arrays.x, [arrays.size, ...featureShape], 'float32'),
    y: tf.tensor2d(arrays.y, [arrays.size, targetWidth], 'float32'),
    size: arrays.size,
  }
}

/** Turns flat arrays into a Dataset whose dispose() frees its four tensors. */
export function createDataset(arrays: DatasetArrays): Dataset {
  const targetWidth = arrays.task === 'binary' ? 1 : arrays.numClasses
  const train = toSplit(arrays.train, arrays.featureShape, targetWidth)
  const test = toSplit(arrays.test, arrays.featureShape, targetWidth)
  return {
    name: arrays.name,
    task: arrays.task,
    numClasses: arrays.numClasses,
    featureShape: [...arrays.featureShape],
    train,
    test,
    dispose() {
      tf.dispose([train.x, train.y, test.x, test.y])
    },
  }
}

/** The numbers 0..n-1 in an order fixed by the seed. */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  return createRng(seed).shuffle(order)
}

/** Copies the listed rows of a row-major matrix (rows of `width` values) into a new array. */
export function gatherRows(source: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width)
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
