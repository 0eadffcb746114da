import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { setupBackend } from './backend.js'
import { createRegistry } from './create-registry.js'
import { defineDataset, type Dataset } from './data.js'
import { defineMetric } from './metric.js'
import { defineModel } from './model.js'
import { runPipeline } from './pipeline.js'

const registry = createRegistry()
registry.models.add(defineModel({ name: 'one-dense', description: 'Dense 4 -> 2, for tests', options: z.object({}), build: () => tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [4], activation: 'softmax' })] }) }))
registry.datasets.add(
  defineDataset({
    name: 'four',
    description: 'four points, for tests',
    options: z.object({}),
    async load(): Promise<Dataset> {
      const x = tf.tensor2d([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4])
      const y = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1], [4, 2])
      const split = { x, y, size: 4 }
      return { name: 'four', task: 'multiclass', numClasses: 2, featureShape: [4], train: split, test: split, dispose: () => tf.dispose([x, y]) }
    },
  }),
)
registry.metrics.add(defineMetric({ name: 'cheap', description: 'always measured', compute: async () => 1 }))
registry.metrics.add(defineMetric({ name: 'slow', description: 'measured when named', optIn: true, compute: async () => 2 }))

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('evaluate', () => {
  it('measures every metric except opt-in ones, and an opt-in one when the step names it', async () => {
    const result = await runPipeline(
      {
        backend: 'cpu',
        model: { zoo: 'one-dense' },
        data: { dataset: 'four' },
        reporters: [],
        pipeline: [{ evaluate: { label: 'default' } }, { evaluate: { label: 'named', metrics: ['slow', 'cheap'] } }],
      },
      { registry, quiet: true },
    )
    expect(result.snapshots.map((s) => s.metrics)).toEqual([{ cheap: 1 }, { slow: 2, cheap: 1 }])
  })
})
