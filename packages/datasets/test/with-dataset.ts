import { createRng, type Dataset, type DatasetFactory } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import { expect } from 'vitest'

/** Loads a dataset with validated options, hands it to `use`, disposes it, and checks that no tensor was left behind. */
export async function withDataset<O, T>(factory: DatasetFactory<O>, options: Partial<O>, seed: number, use: (data: Dataset) => T): Promise<T> {
  const before = tf.memory().numTensors
  const data = await factory.load(factory.options.parse(options), { seed, rng: createRng(seed) })
  try {
    return use(data)
  } finally {
    data.dispose()
    expect(tf.memory().numTensors).toBe(before)
  }
}
