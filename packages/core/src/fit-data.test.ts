import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { setupBackend } from './backend.js'
import type { Dataset } from './data.js'
import { DataError } from './errors.js'
import { fitDataToModel } from './fit-data.js'
import { PrunableModel } from './model.js'

function dataset(featureShape: number[], classes = 10): Dataset {
  const n = 4
  const split = () => ({ x: tf.zeros([n, ...featureShape]), y: tf.zeros([n, classes]), size: n })
  const train = split()
  const test = split()
  return { name: 'digits', task: 'multiclass', numClasses: classes, featureShape, train, test, dispose: () => tf.dispose([train.x, train.y, test.x, test.y]) }
}

function imageModel(inputShape: number[], classes = 10): PrunableModel {
  const head = tfl.layers.dense({ units: classes, activation: 'softmax' })
  const layers = inputShape.length > 1 ? [tfl.layers.flatten({ inputShape }), head] : [tfl.layers.dense({ inputShape, units: classes, activation: 'softmax' })]
  return new PrunableModel(tfl.sequential({ layers }))
}

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('fitDataToModel', () => {
  it.each([[[28, 28]], [[28, 28, 1]]])('reshapes flat 784-value samples to the model input %j', (input) => {
    const before = tf.memory().numTensors
    const fitted = fitDataToModel(dataset([784]), imageModel(input), 'lenet')
    expect(fitted.featureShape).toEqual(input)
    expect(fitted.train.x.shape).toEqual([4, ...input])
    expect(fitted.test.x.shape).toEqual([4, ...input])
    fitted.dispose()
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 4) // the models' own weights
  })

  it('passes matching data through untouched', () => {
    const data = dataset([784])
    expect(fitDataToModel(data, imageModel([784]), 'mlp')).toBe(data)
    data.dispose()
  })

  it('names both shapes when the sizes differ', () => {
    const data = dataset([4])
    expect(() => fitDataToModel(data, imageModel([28, 28]), 'lenet')).toThrow(DataError)
    expect(() => fitDataToModel(data, imageModel([28, 28]), 'lenet')).toThrow('Dataset "digits" has features of shape [4] (4 values), but model "lenet" expects inputs of shape [28, 28] (784 values)')
    data.dispose()
  })

  it('refuses a model whose output does not match the classes', () => {
    const data = dataset([784], 3)
    expect(() => fitDataToModel(data, imageModel([784], 10), 'mlp')).toThrow(/Model "mlp" predicts shape \[10\] but dataset "digits" has targets of shape \[3\]/)
    data.dispose()
  })
})
