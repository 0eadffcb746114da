import { createRng, type ModelContext, type ModelFactory } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import type * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { builtinModels } from './plugin.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const context = (inputShape: number[], numClasses = 10): ModelContext => ({ inputShape, numClasses, task: 'multiclass', rng: createRng(1) })

// The memory preflight reads a builder's `params` before building anything: it must be the count the built model has.
describe('the zoo builders count their parameters before building', () => {
  it.each([
    ['mlp', { units: [32, 16] }, [784]],
    ['cnn-small', {}, [28, 28, 1]],
    ['cnn-small', { filters: [8, 12, 6], units: 0 }, [784]],
    ['vgg-mini', {}, [28, 28, 1]],
    ['vgg-mini', { stages: [[4], [6, 6], [8]], units: 10 }, [28, 28, 1]],
    ['resnet-mini', {}, [28, 28, 1]],
    ['resnet-mini', { filters: [8, 8, 12] }, [784]],
    ['mobilenet-mini', {}, [28, 28, 1]],
    ['mobilenet-mini', { stem: 8, blocks: [{ expansion: 1, filters: 8, strides: 1 }, { expansion: 3, filters: 12, strides: 2, repeat: 3 }], head: 20 }, [28, 28, 1]],
  ] as const)('%s %j on %j', async (name, options, inputShape) => {
    const factory = builtinModels[name] as ModelFactory<unknown>
    const parsed = factory.options.parse(options)
    const model = (await factory.build(parsed, context([...inputShape]))) as tfl.LayersModel
    expect(factory.params?.(parsed, context([...inputShape]))).toBe(model.countParams())
    model.dispose()
  })
})
