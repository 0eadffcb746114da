import { createRng, ModelError, PrunableModel, setupBackend, type ModelContext } from '@prunekit/core'
import { taskLoss } from '@prunekit/core/internal'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, describe, expect, it } from 'vitest'
import { cnnSmallModel } from './cnn-small.js'
import { mobilenetMiniModel } from './mobilenet-mini.js'
import { resnetMiniModel } from './resnet-mini.js'
import { vggMiniModel } from './vgg-mini.js'

const context = (inputShape: number[]): ModelContext => ({ inputShape, numClasses: 10, task: 'multiclass', rng: createRng(5) })
const builders = [
  ['cnn-small', () => cnnSmallModel.build(cnnSmallModel.options.parse({}), context([28, 28, 1]))],
  ['resnet-mini', () => resnetMiniModel.build(resnetMiniModel.options.parse({}), context([28, 28, 1]))],
  ['mobilenet-mini', () => mobilenetMiniModel.build(mobilenetMiniModel.options.parse({}), context([28, 28, 1]))],
  ['vgg-mini', () => vggMiniModel.build(vggMiniModel.options.parse({}), context([28, 28, 1]))],
] as const

afterAll(async () => {
  await setupBackend('cpu')
})

describe('the convolutional zoo models', () => {
  it.each(builders)('%s trains on wasm: every weight (Conv2D, DepthwiseConv2D, BatchNormalization, Dense) has a gradient there', async (_, build) => {
    await setupBackend('wasm')
    const model = new PrunableModel(await build())
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 1)
    const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10), 'float32'))
    const variables = model.weights().map((ref) => ref.variable.read() as tf.Variable)
    const before = variables.map((v) => v.dataSync().slice())
    const loss = (): tf.Scalar => taskLoss('multiclass', y, model.forward(x, true))
    const { value, grads } = tf.variableGrads(loss, variables)
    for (const v of variables) {
      const g = grads[v.name].dataSync()
      expect(g.every(Number.isFinite), v.name).toBe(true)
      expect(g.some((d) => d !== 0), v.name).toBe(true)
    }
    tf.dispose([value, ...Object.values(grads)])
    const optimizer = tf.train.adam(0.001)
    tf.dispose(optimizer.minimize(loss, true, variables))
    expect(variables.every((v, i) => v.dataSync().some((w, j) => w !== before[i][j]))).toBe(true)
    const movingMean = model.model.getLayer(model.model.layers.find((l) => l.getClassName() === 'BatchNormalization')!.name).getWeights()[2]
    expect(movingMean.dataSync().some((v) => v !== 0)).toBe(true) // the training forward pass updated BatchNorm's statistics
    optimizer.dispose()
    tf.dispose([x, y])
    model.dispose()
  })

  it.each([
    ['cnn-small', cnnSmallModel, [100]],
    ['resnet-mini', resnetMiniModel, [10, 10]],
    ['mobilenet-mini', mobilenetMiniModel, [100]],
    ['vgg-mini', vggMiniModel, [10, 10]],
  ] as const)('%s refuses flat data that is not an MNIST digit, %j, and says what fits', async (_, factory, inputShape) => {
    const built = async () => factory.build(factory.options.parse({}), context([...inputShape]))
    await expect(built()).rejects.toThrow(ModelError)
    await expect(built()).rejects.toThrow(/needs images, \[height, width, channels\], or flat MNIST digits/)
  })
})
