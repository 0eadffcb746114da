import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { blobs, kernelValues, tinyModel } from '../test/fixtures.js'
import { setupBackend } from './backend.js'
import { magnitude } from './magnitude.js'
import { PrunableModel } from './model.js'
import { BlockGrid, keepPattern, parsePattern, patternGroups } from './patterns.js'
import { createRng } from './rng.js'
import { Trainer } from './trainer.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

const prune = (model: PrunableModel, options: Record<string, unknown>) => magnitude.prune(model, { options: magnitude.options.parse(options) }, { rng: createRng(0) })

/** Every group of m along the input axis (axis -2) of a kernel, as flat indices, by plain loops. */
function referenceGroups(shape: number[], m: number): number[][] {
  const [inputs, outputs] = shape.slice(-2)
  const outer = shape.slice(0, -2).reduce((a, b) => a * b, 1)
  const groups: number[][] = []
  for (let o = 0; o < outer; o++)
    for (let start = 0; start < inputs; start += m)
      for (let c = 0; c < outputs; c++) groups.push(Array.from({ length: m }, (_, j) => (o * inputs + start + j) * outputs + c))
  return groups
}

/** The largest number of nonzero entries in any group of m. */
function mostKept(values: Float32Array, shape: number[], m: number): number {
  return Math.max(...referenceGroups(shape, m).map((g) => g.filter((i) => values[i] !== 0).length))
}

function convModel(seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ name: 'conv', inputShape: [6, 6, 4], filters: 8, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'output', units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  })
}

describe('N:M patterns', () => {
  it.each([
    ['2:4', { n: 2, m: 4 }],
    ['1:8', { n: 1, m: 8 }],
    ['4:2', undefined],
    ['2:2', undefined],
    ['0:4', undefined],
    ['2-4', undefined],
  ])('parses %s', (text, expected) => {
    expect(parsePattern(text)).toEqual(expected)
  })

  it.each([
    ['Dense', [8, 5], 4, 2],
    ['Conv2D', [3, 3, 8, 6], 4, 2],
    ['Conv2D 1:8', [2, 2, 16, 3], 8, 1],
  ])('keeps the n highest scores of every group of m along the input axis (%s)', (_name, shape, m, n) => {
    const rng = createRng(11)
    const size = shape.reduce((a, b) => a * b, 1)
    const scores = Float32Array.from({ length: size }, () => rng.next())
    const groups = patternGroups(shape, m)
    if (typeof groups === 'string') throw new Error(groups)
    const keep = keepPattern(scores, groups, { n, m })
    const reference = referenceGroups(shape, m)
    expect(groups.count).toBe(reference.length)
    for (const g of reference) {
      const best = [...g].sort((a, b) => scores[b] - scores[a]).slice(0, n)
      expect(g.filter((i) => keep[i] === 1).sort()).toEqual(best.sort())
    }
  })

  it('refuses a kernel whose input axis is not a multiple of m', () => {
    expect(patternGroups([6, 3], 4)).toMatch(/6 entries, not a multiple of 4/)
  })

  it('holds in every group after pruning and after fine-tuning (Dense, global 2:4)', async () => {
    const model = new PrunableModel(tinyModel(createRng(5), 8, [16, 12], 4))
    const before = await kernelValues(model.model)
    await prune(model, { pattern: '2:4' })
    const shapes = model.weights().filter((r) => r.kind === 'kernel').map((r) => r.shape)
    const pruned = await kernelValues(model.model)
    pruned.forEach((values, l) => {
      expect(mostKept(values, shapes[l], 4)).toBe(2)
      expect(values.filter((v) => v === 0).length).toBe(values.length / 2)
      // The survivors of each group are its two largest |w|.
      for (const g of referenceGroups(shapes[l], 4)) {
        const largest = [...g].sort((a, b) => Math.abs(before[l][b]) - Math.abs(before[l][a])).slice(0, 2)
        expect(g.filter((i) => values[i] !== 0).sort()).toEqual(largest.sort())
      }
    })

    const train = blobs(1, 96, 8, 4)
    await new Trainer({ epochs: 2, optimizer: 'adam', learningRate: 0.01, batchSize: 16, shuffle: true }).fit(model, train, { task: 'multiclass', rng: createRng(2) })
    const tuned = await kernelValues(model.model)
    tuned.forEach((values, l) => {
      expect(mostKept(values, shapes[l], 4)).toBe(2)
      expect(values).not.toEqual(pruned[l])
    })
    tf.dispose([train.x, train.y])
    model.dispose()
  })

  it('holds along the input channels of a Conv2D kernel, with a sparsity above the pattern\'s', async () => {
    const model = new PrunableModel(convModel(3))
    await prune(model, { pattern: '2:4', sparsity: 0.7, scope: 'layer', include: ['conv'] })
    const [conv] = await kernelValues(model.model)
    expect(mostKept(conv, [3, 3, 4, 8], 4)).toBeLessThanOrEqual(2)
    expect(conv.filter((v) => v === 0).length).toBe(Math.round(0.7 * conv.length))
    model.dispose()
  })

  it('names the layer and the fix when a kernel cannot follow the pattern', async () => {
    const model = new PrunableModel(tinyModel(createRng(5), 6, [16], 4))
    await expect(prune(model, { pattern: '2:4' })).rejects.toThrow(/dense_1\/kernel \(Dense\): its input axis has 6 entries.*exclude: \[dense_1\]/)
    model.dispose()
  })

  it.each([
    [{ pattern: '4:2' }, 'pattern'],
    [{ pattern: '2:4', sparsity: 0.3 }, 'sparsity'],
    [{ pattern: '2:4', block: [2, 2], sparsity: 0.5 }, 'block'],
    [{ block: [2, 2] }, ''],
  ])('rejects %j at %s', (options, path) => {
    const result = magnitude.options.safeParse(options)
    expect(result.success).toBe(false)
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path)
  })
})

describe('block patterns', () => {
  it.each(['mean', 'max'] as const)('prunes whole blocks scored by their %s |w|', async (how) => {
    const model = new PrunableModel(tinyModel(createRng(9), 8, [12], 4))
    const kernel = model.weights().find((r) => r.key === 'dense_1/kernel')!
    const before = Float32Array.from(await kernel.variable.read().data(), Math.abs)
    await prune(model, { block: [2, 3], blockScore: how, sparsity: 0.5, scope: 'layer', include: ['dense_1'] })
    const after = await kernel.variable.read().data()

    // By hand: 4 x 4 blocks of 2 x 3 over the [8, 12] kernel; the 8 lowest-scored are pruned whole.
    const grid = new BlockGrid([8, 12], 2, 3)
    const blocks = Array.from({ length: 16 }, () => [] as number[])
    before.forEach((v, i) => blocks[grid.blockOf(i)].push(v))
    const score = blocks.map((b) => (how === 'mean' ? b.reduce((a, v) => a + v, 0) / b.length : Math.max(...b)))
    const lowest = new Set(score.map((s, b) => [s, b]).sort((a, b) => a[0] - b[0]).slice(0, 8).map(([, b]) => b))
    after.forEach((v, i) => expect(v === 0).toBe(lowest.has(grid.blockOf(i))))
    model.dispose()
  })

  it('maps a conv kernel to [kh * kw * in, out] with smaller edge blocks', () => {
    const grid = new BlockGrid([3, 3, 4, 8], 4, 3)
    expect([grid.height, grid.width, grid.blockRows, grid.blockCols]).toEqual([36, 8, 9, 3])
    expect(grid.blockOf(7)).toBe(2) // row 0, column 7: the last, two-wide column of blocks
    expect(grid.blockOf(4 * 8)).toBe(3) // row 4 starts the second row of blocks
  })
})
