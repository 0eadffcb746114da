import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { setupBackend } from './backend.js'
import { PrunableModel } from './model.js'
import { carryOptimizer, stateLayout } from './optimizer-state.js'
import { createOptimizer } from './optimizers.js'
import { gather, mlp, slots, smaller, train, values } from '../test/fixtures.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('createOptimizer', () => {
  it.each(['sgd', 'momentum', 'adam'] as const)('%s leaves no tensor behind once disposed', (name) => {
    const v = tf.variable(tf.ones([3]))
    const tensors = tf.memory().numTensors
    const optimizer = createOptimizer(name, 0.1)
    optimizer.minimize(() => tf.sum(tf.mul(v, v)) as tf.Scalar, false, [v])
    optimizer.dispose()
    expect(tf.memory().numTensors).toBe(tensors)
    v.dispose()
  })
})

describe('carryOptimizer', () => {
  it.each([
    ['adam', ['accumulatedFirstMoment', 'accumulatedSecondMoment']],
    ['momentum', ['accumulations']],
  ] as const)('%s: each weight keeps the state of the units it kept, and the step count carries on', (name, fields) => {
    const big = new PrunableModel(mlp(6, 3))
    const old = createOptimizer(name, 0.01)
    train(big, old, 3)
    const small = smaller()
    const tensors = tf.memory().numTensors
    const carried = carryOptimizer(old, stateLayout(big), small, () => createOptimizer(name, 0.01))
    for (const field of fields) {
      const [before, after] = [slots(old, field), slots(carried, field)]
      expect(before).toHaveLength(4) // the internals this relies on: one slot per trainable weight, in order
      expect(after.map((s) => s.variable.shape)).toEqual([[4, 3], [3], [3, 2], [2]])
      expect(values(after[0].variable)).toEqual(gather(before[0].variable, 1))
      expect(values(after[1].variable)).toEqual(gather(before[1].variable, 0))
      expect(values(after[2].variable)).toEqual(gather(before[2].variable, 0))
      expect(values(after[3].variable)).toEqual(values(before[3].variable))
    }
    expect(carried.iterations).toBe(3)
    if (name === 'adam') {
      const beta = (o: tf.Optimizer) => values((o as unknown as { accBeta1: tf.Variable }).accBeta1)
      expect(beta(carried)).toEqual(beta(old))
    }
    // Trains on, with state of the new shapes.
    train(small, carried, 2)
    expect(carried.iterations).toBe(5)
    carried.dispose()
    expect(tf.memory().numTensors).toBe(tensors)
    for (const x of [old, big, small]) x.dispose()
  })

  it('starts weights it cannot map from zero state, and sgd (which has none) from fresh', () => {
    const big = new PrunableModel(mlp(6, 3))
    const old = createOptimizer('adam', 0.01)
    train(big, old, 2)
    const unrelated = new PrunableModel(mlp(3, 9)) // no lineage: dense_1 and dense_2/kernel cannot be mapped
    const carried = carryOptimizer(old, stateLayout(big), unrelated, () => createOptimizer('adam', 0.01))
    const moments = slots(carried, 'accumulatedFirstMoment')
    expect(moments.slice(0, 3).map((s) => values(s.variable).every((v) => v === 0))).toEqual([true, true, true])
    expect(values(moments[3].variable)).toEqual(values(slots(old, 'accumulatedFirstMoment')[3].variable)) // output bias: same shape, same units
    const sgd = carryOptimizer(createOptimizer('sgd', 0.1), stateLayout(big), unrelated, () => createOptimizer('sgd', 0.1))
    train(unrelated, sgd, 1)
    for (const x of [old, carried, sgd, big, unrelated]) x.dispose()
  })
})
