import { magnitude, PrunableModel, createRng, setupBackend, type Dataset, type SnapshotContext } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { createPatternMetric, patternMetric } from './pattern.js'
import { readPattern } from './readers.js'

const L = tfl.layers

function context(model: PrunableModel): SnapshotContext {
  return { label: 'pattern', model, data: undefined as unknown as Dataset, history: [], evaluation: () => Promise.reject(new Error('not needed')) }
}

const model = () =>
  new PrunableModel(
    tfl.sequential({
      layers: [
        L.dense({ name: 'hidden', inputShape: [6], units: 8, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        L.dense({ name: 'output', units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    }),
  )

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('pattern metric', () => {
  it('reads 0 on a dense kernel, 1 after 2:4 pruning, and counts the groups a stray weight breaks', async () => {
    const m = model()
    const dense = readPattern({ metrics: { pattern: await patternMetric.compute(context(m)) } })!
    // hidden has 6 inputs, not a multiple of 4: left out.
    expect(dense).toEqual({ pattern: '2:4', layers: [{ name: 'output', groups: 8, compliant: 0, compliance: 0, maxKept: 4 }] })

    await magnitude.prune(m, { options: magnitude.options.parse({ pattern: '2:4', exclude: ['hidden'] }) }, { rng: createRng(0) })
    expect(readPattern({ metrics: { pattern: await patternMetric.compute(context(m)) } })!.layers[0]).toMatchObject({ compliance: 1, maxKept: 2 })

    // One pruned weight of the first group (rows 0-3 of column 0) set back: that group keeps 3.
    const kernel = m.weights().find((r) => r.key === 'output/kernel')!
    const values = Float32Array.from(await kernel.variable.read().data())
    const zero = [0, 4, 8, 12].find((i) => values[i] === 0)!
    values[zero] = 0.5
    const written = tf.tensor(values, kernel.shape)
    kernel.variable.write(written)
    written.dispose()
    expect(readPattern({ metrics: { pattern: await patternMetric.compute(context(m)) } })!.layers[0]).toEqual({ name: 'output', groups: 8, compliant: 7, compliance: 7 / 8, maxKept: 3 })
    m.dispose()
  })

  it('checks the pattern it is given, and refuses one that is not N:M', async () => {
    const m = model()
    const stats = readPattern({ metrics: { pattern: await createPatternMetric({ pattern: '4:8' }).compute(context(m)) } })!
    expect(stats.pattern).toBe('4:8')
    expect(stats.layers.map((l) => [l.name, l.groups])).toEqual([['output', 4]])
    expect(() => createPatternMetric({ pattern: '8:4' })).toThrow(/N:M with 1 <= N < M/)
    m.dispose()
  })
})
