import { createRegistry, createRng, prune, PrunableModel, PruneError, setupBackend, type Registry } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { structuredPlugin } from './plugin.js'
import { structuredStrategies } from './strategies.js'

const L = tfl.layers
let registry: Registry
const live: PrunableModel[] = []

/** Dense 6 -> 8 -> 4 -> 3 whose units have known norms: unit i of a hidden layer has |w| = i + 1 everywhere. */
function mlp(): PrunableModel {
  const model = tfl.sequential({
    layers: [
      L.dense({ name: 'dense_1', inputShape: [6], units: 8, activation: 'relu' }),
      L.dense({ name: 'dense_2', units: 4, activation: 'relu' }),
      L.dense({ name: 'output', units: 3 }),
    ],
  })
  for (const name of ['dense_1', 'dense_2']) {
    const [kernel, bias] = model.getLayer(name).getWeights()
    const [rows, units] = kernel.shape
    const values = Float32Array.from({ length: rows * units }, (_, i) => ((i % units) + 1) * (i % 2 ? -1 : 1))
    model.getLayer(name).setWeights([tf.tensor(values, kernel.shape), bias])
  }
  const result = new PrunableModel(model)
  live.push(result)
  return result
}

/** conv (6 filters) -> BatchNorm whose gamma is [0.6, 0.1, 0.5, 0.2, 0.4, 0.3] -> relu -> GAP -> output. */
function convBn(): PrunableModel {
  const model = tfl.sequential({
    layers: [
      L.conv2d({ name: 'conv', inputShape: [5, 5, 1], filters: 6, kernelSize: 3, useBias: false }),
      L.batchNormalization({ name: 'bn' }),
      L.activation({ name: 'relu', activation: 'relu' }),
      L.conv2d({ name: 'conv_plain', filters: 4, kernelSize: 3, activation: 'relu' }),
      L.globalAveragePooling2d({ name: 'gap' }),
      L.dense({ name: 'output', units: 2 }),
    ],
  })
  const bn = model.getLayer('bn')
  const [, beta, mean, variance] = bn.getWeights()
  bn.setWeights([tf.tensor1d([0.6, 0.1, 0.5, 0.2, 0.4, 0.3]), beta, mean, variance])
  const result = new PrunableModel(model)
  live.push(result)
  return result
}

const unitsOf = (model: PrunableModel) => Object.fromEntries(model.model.layers.filter((l) => ['Dense', 'Conv2D'].includes(l.getClassName())).map((l) => [l.name, (l.outputShape as number[]).at(-1)]))
const run = async (model: PrunableModel, options: Record<string, unknown>) => {
  const result = await prune(model, { registry, ...options })
  if (result !== model) live.push(result)
  return result
}

beforeAll(async () => {
  await setupBackend('cpu')
  registry = createRegistry({ plugins: [structuredPlugin()] })
})

afterEach(() => {
  live.splice(0).forEach((m) => m.dispose())
})

describe('structured strategies', () => {
  it('l1-units removes the units with the smallest L1 norm from every hidden layer, never the output', async () => {
    const model = mlp()
    const pruned = await run(model, { strategy: 'l1-units', ratio: 0.5 })
    expect(unitsOf(pruned)).toEqual({ dense_1: 4, dense_2: 2, output: 3 })
    // The kept units of dense_1 are the four largest (|w| = 5..8), in their original order.
    const kernel = pruned.model.getLayer('dense_1').getWeights()[0].arraySync() as number[][]
    expect(kernel[0].map(Math.abs)).toEqual([5, 6, 7, 8])
    expect(model.model.getLayer('dense_1').getWeights()[0].shape).toEqual([6, 8]) // the original is untouched
  })

  it('l2-units ranks by the L2 norm and bn-scale by the following BatchNorm\'s |gamma|', async () => {
    const byGamma = await run(convBn(), { strategy: 'bn-scale', ratio: 0.5 })
    expect(Array.from(byGamma.model.getLayer('bn').getWeights()[0].dataSync())).toEqual([0.6, 0.5, 0.4].map(Math.fround))
    expect(unitsOf(byGamma)).toMatchObject({ conv: 3, conv_plain: 4 }) // conv_plain has no BatchNorm: bn-scale leaves it
    expect(unitsOf(await run(mlp(), { strategy: 'l2-units', ratio: 0.25 }))).toEqual({ dense_1: 6, dense_2: 3, output: 3 })
  })

  it('random-units draws from the run\'s seed: the same seed removes the same units', async () => {
    const kernels = async (seed: number) => {
      const pruned = await run(mlp(), { strategy: 'random-units', ratio: 0.5, seed })
      return pruned.model.getLayer('dense_1').getWeights()[0].arraySync()
    }
    expect(await kernels(1)).toEqual(await kernels(1))
    const draws = await Promise.all([2, 3, 4, 5].map(kernels))
    expect(new Set(draws.map((d) => JSON.stringify(d))).size).toBeGreaterThan(1)
  })

  it.each([
    [{ include: ['dense_2'] }, { dense_1: 8, dense_2: 2 }],
    [{ exclude: ['dense_2'] }, { dense_1: 4, dense_2: 4 }],
    [{ include: [{ type: 'Dense' }] }, { dense_1: 4, dense_2: 2 }],
    [{ overrides: { dense_1: { ratio: 0.25 } } }, { dense_1: 6, dense_2: 2 }],
    [{ roundTo: 4, ratio: 0.6 }, { dense_1: 4, dense_2: 4 }],
    [{ ratio: 0.9, maxRatio: 0.5 }, { dense_1: 4, dense_2: 2 }],
    [{ scope: 'global' }, { dense_1: 4, dense_2: 2 }],
  ])('selects and sizes layers with %j', async (options, units) => {
    expect(unitsOf(await run(mlp(), { strategy: 'l1-units', ratio: 0.5, ...options }))).toEqual({ ...units, output: 3 })
  })

  it('returns the same model when nothing is removed', async () => {
    const model = mlp()
    expect(await run(model, { strategy: 'l1-units', ratio: 0 })).toBe(model)
  })

  it('carries unstructured masks over, sliced like their weights, so pruned weights stay zero', async () => {
    const model = await run(mlp(), { strategy: 'magnitude', sparsity: 0.5, registry: createRegistry() })
    const before = model.masks.get('dense_1/kernel')!.arraySync() as number[][]
    const pruned = await run(model, { strategy: 'l1-units', ratio: 0.5 })
    const mask = pruned.masks.get('dense_1/kernel')!.arraySync() as number[][]
    expect(mask).toEqual(before.map((row) => row.slice(4))) // units 4..7 survive
    expect(pruned.masks.get('output/kernel')!.shape).toEqual([2, 3])
    const kernel = pruned.model.getLayer('dense_1').getWeights()[0].arraySync() as number[][]
    kernel.forEach((row, i) => row.forEach((w, j) => mask[i][j] === 0 && expect(w).toBe(0)))
  })

  it('frees every tensor it makes: only the new model remains', async () => {
    const model = mlp()
    const before = tf.memory().numTensors
    const pruned = await prune(model, { registry, strategy: 'l1-units', ratio: 0.5 })
    const owned = pruned.model.weights.length
    pruned.dispose()
    expect(tf.memory().numTensors).toBe(before)
    expect(owned).toBe(6)
  })

  it.each([
    [{ ratio: 1.5 }, /ratio/],
    [{}, /ratio/],
    [{ ratio: 0.5, sparsity: 0.5 }, /sparsity/],
    [{ ratio: 0.5, roundTo: 0 }, /roundTo/],
    [{ ratio: 0.5, scope: 'network' }, /scope/],
  ])('refuses options %j', async (options, message) => {
    await expect(run(mlp(), { strategy: 'l1-units', ...options })).rejects.toThrow(message)
  })

  it('refuses, naming the layer in the way, to prune units whose removal would not be exact', async () => {
    const model = new PrunableModel(
      tfl.sequential({
        layers: [
          L.dense({ name: 'hidden', inputShape: [4], units: 6, activation: 'sigmoid' }),
          L.dense({ name: 'wide', units: 6 }),
          L.reshape({ name: 'grid', targetShape: [2, 3] }),
          L.flatten({ name: 'flat' }),
          L.dense({ name: 'output', units: 2 }),
        ],
      }),
    )
    live.push(model)
    const error = await run(model, { strategy: 'l1-units', ratio: 0.5 }).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(PruneError)
    expect(error.message).toContain('l1-units cannot remove units exactly from these layers')
    expect(error.message).toContain('hidden: hidden (Dense): activation sigmoid does not map 0 to 0')
    expect(error.message).toContain('wide: grid (Reshape) is not supported by structured pruning')
    expect(error.message).toContain('exclude: [hidden, wide]')
    const rest = await run(model, { strategy: 'l1-units', ratio: 0.5, exclude: ['hidden', 'wide'] }).catch((e: unknown) => e as Error)
    expect(rest.message).toMatch(/found no layer to prune after exclude/)
  })

  it('says what it can prune when the selection leaves nothing', async () => {
    await expect(run(mlp(), { strategy: 'l1-units', ratio: 0.5, include: ['output'] })).rejects.toThrow('l1-units found no layer to prune among include. Layers it can prune: dense_1, dense_2.')
    await expect(run(mlp(), { strategy: 'bn-scale', ratio: 0.5 })).rejects.toThrow(/bn-scale needs a BatchNormalization after the layer/)
    await expect(run(convBn(), { strategy: 'bn-scale', ratio: 0.5, include: ['conv_plain'] })).rejects.toThrow(/conv_plain: no BatchNormalization scales its channels/)
  })

  it('registers four strategies, each with a description and the shared options', () => {
    expect(registry.strategies.list().filter((e) => e.source === '@prunekit/strategy-structured').map((e) => e.item.name)).toEqual(['l1-units', 'l2-units', 'random-units', 'bn-scale'])
    for (const strategy of Object.values(structuredStrategies)) {
      expect(strategy.description.length).toBeGreaterThan(40)
      expect(strategy.options.parse({ ratio: 0.3 })).toEqual({ ratio: 0.3, scope: 'layer', maxRatio: 0.9, roundTo: 1, exclude: [], overrides: {} })
    }
  })

  it('plans with a seeded generator from the prune context', async () => {
    const model = mlp()
    const pruned = await structuredStrategies['random-units'].prune(model, { options: structuredStrategies['random-units'].options.parse({ ratio: 0.5 }) }, { rng: createRng(9) })
    live.push(pruned)
    expect(unitsOf(pruned)).toEqual({ dense_1: 4, dense_2: 2, output: 3 })
  })
})
