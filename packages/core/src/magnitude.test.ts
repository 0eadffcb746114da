import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { kernelValues, tinyModel } from '../test/fixtures.js'
import { setupBackend } from './backend.js'
import { magnitude } from './magnitude.js'
import { PrunableModel } from './model.js'
import { createRng } from './rng.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

const prune = (model: PrunableModel, options: Record<string, unknown>) =>
  magnitude.prune(model, { options: magnitude.options.parse(options) }, { rng: createRng(0) })

function fresh(seed = 3): PrunableModel {
  return new PrunableModel(tinyModel(createRng(seed), 6, [16, 12], 4))
}

/** Indices (flattened over layers) of the k smallest |w|, by a plain sort. */
function smallestK(values: Float32Array[], k: number): Set<string> {
  const all = values.flatMap((v, l) => [...v].map((w, i) => ({ id: `${l}:${i}`, m: Math.abs(w) })))
  all.sort((a, b) => a.m - b.m)
  return new Set(all.slice(0, k).map((e) => e.id))
}

function zeroIds(values: Float32Array[]): Set<string> {
  return new Set(values.flatMap((v, l) => [...v].flatMap((w, i) => (w === 0 ? [`${l}:${i}`] : []))))
}

describe('magnitude pruning', () => {
  it.each([0.1, 0.5, 0.9, 0.99])('prunes exactly the %f smallest-magnitude kernel weights globally', async (sparsity) => {
    const model = fresh()
    const before = await kernelValues(model.model)
    const total = before.reduce((n, v) => n + v.length, 0)
    await prune(model, { sparsity, scope: 'global' })
    const after = await kernelValues(model.model)
    expect(zeroIds(after)).toEqual(smallestK(before, Math.round(sparsity * total)))
    // Survivors are untouched.
    after.forEach((v, l) => v.forEach((w, i) => w !== 0 && expect(w).toBe(before[l][i])))
    model.dispose()
  })

  it('prunes the same fraction in every layer with scope: layer', async () => {
    const model = fresh()
    const before = await kernelValues(model.model)
    await prune(model, { sparsity: 0.75, scope: 'layer' })
    const after = await kernelValues(model.model)
    after.forEach((v, l) => {
      const expected = smallestK([before[l]], Math.round(0.75 * v.length))
      expect(new Set([...zeroIds([v])])).toEqual(expected)
    })
    model.dispose()
  })

  it('prunes every weight below a threshold and nothing else', async () => {
    const model = fresh()
    const before = await kernelValues(model.model)
    await prune(model, { threshold: 0.2 })
    const after = await kernelValues(model.model)
    after.forEach((v, l) => v.forEach((w, i) => expect(w === (Math.abs(before[l][i]) < 0.2 ? 0 : before[l][i])).toBe(true)))
    model.dispose()
  })

  it('leaves biases alone unless asked', async () => {
    const model = fresh()
    model.model.getLayer('dense_1').setWeights([model.model.getLayer('dense_1').getWeights()[0], tf.fill([16], 0.001)])
    await prune(model, { sparsity: 0.9 })
    expect([...(await model.model.getLayer('dense_1').getWeights()[1].data())].every((v) => v !== 0)).toBe(true)
    await prune(model, { sparsity: 0.9, biases: true, scope: 'layer' })
    expect([...(await model.model.getLayer('dense_1').getWeights()[1].data())].filter((v) => v === 0).length).toBe(Math.round(0.9 * 16))
    model.dispose()
  })

  it.each([
    ['name', { include: ['dense_2'] }, ['dense_2']],
    ['regex', { include: ['/^dense_/'] }, ['dense_1', 'dense_2']],
    ['type', { include: [{ type: 'Dense' }], exclude: ['output'] }, ['dense_1', 'dense_2']],
    ['exclude', { exclude: ['dense_1'] }, ['dense_2', 'output']],
  ])('selects layers by %s', async (_how, selection, pruned) => {
    const model = fresh()
    await prune(model, { sparsity: 0.5, scope: 'layer', ...selection })
    for (const layer of model.model.layers) {
      const zeros = [...(await layer.getWeights()[0].data())].filter((v) => v === 0).length
      expect(zeros > 0, layer.name).toBe(pruned.includes(layer.name))
    }
    model.dispose()
  })

  it('applies per-layer overrides and cuts the rest globally', async () => {
    const model = fresh()
    await prune(model, { sparsity: 0.5, overrides: { output: { sparsity: 0.25 } } })
    const out = await model.model.getLayer('output').getWeights()[0].data()
    expect([...out].filter((v) => v === 0).length).toBe(Math.round(0.25 * out.length))
    const rest = [model.model.getLayer('dense_1'), model.model.getLayer('dense_2')]
    const values = await Promise.all(rest.map(async (l) => [...(await l.getWeights()[0].data())]))
    const total = values.reduce((n, v) => n + v.length, 0)
    expect(values.flat().filter((v) => v === 0).length).toBe(Math.round(0.5 * total))
    model.dispose()
  })

  it('never revives a pruned weight: masks only grow', async () => {
    const model = fresh()
    await prune(model, { sparsity: 0.6 })
    const first = zeroIds(await kernelValues(model.model))
    await prune(model, { sparsity: 0.3 })
    const second = zeroIds(await kernelValues(model.model))
    expect(second).toEqual(first)
    await prune(model, { sparsity: 0.8 })
    const third = zeroIds(await kernelValues(model.model))
    expect([...first].every((id) => third.has(id))).toBe(true)
    expect(third.size).toBeGreaterThan(first.size)
    model.dispose()
  })

  it.each([
    [{}, 'give either sparsity (0..1) or threshold'],
    [{ sparsity: 0.5, threshold: 0.1 }, 'give sparsity or threshold, not both'],
    [{ sparsity: 1.5 }, 'expected number to be <=1'],
    [{ sparsity: 0.5, scope: 'model' }, 'Invalid option'],
  ])('rejects bad options %j', (options, message) => {
    const result = magnitude.options.safeParse(options)
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.message).join('; ')).toContain(message)
  })

  it('names the layers when a selection matches nothing', async () => {
    const model = fresh()
    await expect(prune(model, { sparsity: 0.5, include: ['dense_9'] })).rejects.toThrow(/include \[dense_9\].*dense_1 \(Dense\)/)
    model.dispose()
  })
})
