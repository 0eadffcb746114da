import { existsSync } from 'node:fs'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { loadDataset, PrunableModel, train } from '@prunekit/core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { fashionMnistDataset, fashionMnistDirectory } from './idx-dataset.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

// Debian's dataset-fashion-mnist: `npm test` installs it when missing (tools/ensure-system-packages.sh).
describe('fashion-mnist (the real files of dataset-fashion-mnist)', () => {
  it('is installed where the dataset looks by default', () => {
    expect(existsSync(`${fashionMnistDirectory}/train-images-idx3-ubyte.gz`)).toBe(true)
  })

  it('reads a seeded slice of the 60,000 / 10,000 real images as bytes, with a validation split', async () => {
    const data = await loadDataset(fashionMnistDataset, { train: 3000, validation: 1000, test: 1000 }, 42)
    try {
      expect([data.train.size, data.validation?.size, data.test.size]).toEqual([3000, 1000, 1000])
      expect(data.featureShape).toEqual([784])
      expect(data.train.host?.values.length).toBe(3000 * 784)
      // Every class appears about equally (the dataset has 6,000 of each in train).
      const counts = tf.tidy(() => tf.sum(data.train.y, 0).arraySync() as number[])
      expect(counts.every((c) => c > 240 && c < 360)).toBe(true)
      // Real clothing: the mean pixel of Fashion-MNIST's train set is 0.286 (72.9 of 255).
      const bytes = data.train.host!.values
      const mean = bytes.reduce((a, b) => a + b, 0) / bytes.length / 255
      expect(mean).toBeGreaterThan(0.26)
      expect(mean).toBeLessThan(0.31)
    } finally {
      data.dispose()
    }
  })

  it('trains a linear model past 70% on 3,000 images in one epoch, with no tensor left behind', async () => {
    const before = tf.memory().numTensors
    const data = await loadDataset(fashionMnistDataset, { train: 3000, validation: 0, test: 1000 }, 1)
    const model = new PrunableModel(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [784], units: 10, activation: 'softmax' })] }))
    await train(model, data, { epochs: 1, batchSize: 32, learningRate: 0.01 })
    const { evaluateModel } = await import('@prunekit/core')
    const { accuracy } = await evaluateModel(model, data.test, 'multiclass')
    expect(accuracy).toBeGreaterThan(0.7)
    model.dispose()
    data.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('names the Debian package when the files are missing', async () => {
    await expect(loadDataset(fashionMnistDataset, { dir: '/nonexistent/fashion' })).rejects.toThrow(
      /train-images-idx3-ubyte\[\.gz\] is not in \/nonexistent\/fashion\. .*dataset-fashion-mnist/,
    )
  })
})
