import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { setupBackend } from '@prunekit/core'
import { saveModel } from '@prunekit/models'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cli, repoRoot, tempDir } from './run-cli.js'

const kerasLenet = join(repoRoot, '../shared/fixtures/external/keras-lenet')

beforeAll(async () => {
  await setupBackend('cpu')
})

/** The table rows of `inspect`'s output, by their first cell. */
function rows(stdout: string): Map<string, string[]> {
  return new Map(stdout.split('\n').filter((l) => /\S {2,}\S/.test(l)).map((l) => l.trim().split(/ {2,}/)).map((cells) => [cells[0], cells.slice(1)]))
}

describe('prunekit inspect', () => {
  it('prints keras-lenet\'s layers, params, sparsity and file sizes', async () => {
    const result = await cli(['inspect', kerasLenet], tempDir())
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/keras-lenet\/model\.json: 10 layers, 44,426 params, kernels 0\.00% zero/)
    const table = rows(result.stdout)
    expect(table.get('Conv2D_1')).toEqual(['Conv2D', '[N, 24, 24, 6]', '156', '0.00%', '-'])
    expect(table.get('Dense_1')).toEqual(['Dense', '[N, 120]', '30,840', '0.00%', '-'])
    expect(table.get('flatten_1')).toEqual(['Flatten', '[N, 256]', '0'])
    const shard = statSync(join(kerasLenet, 'group1-shard1of1')).size
    const json = statSync(join(kerasLenet, 'model.json')).size
    expect(table.get('group1-shard1of1')).toEqual([shard.toLocaleString('en-US')])
    expect(table.get('total')).toEqual([(shard + json).toLocaleString('en-US')])
  })

  it('reads a pruned sparse export: the sparsity prune reached per layer, and the sparse data file', async () => {
    const dir = tempDir()
    expect((await cli(['compress', kerasLenet, '--output', 'Softmax', '--sparsity', '0.8', '--format', 'sparse', '--out', 'small'], dir)).code).toBe(0)
    const result = await cli(['inspect', join(dir, 'small/model.json')], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/kernels 80\.00% zero/)
    const table = rows(result.stdout)
    const sparsity = Number(table.get('Dense_1')![3].replace('%', ''))
    expect(sparsity).toBeGreaterThan(50) // a global cut prunes the big Dense layer hardest
    expect(table.has('weights.sparse.bin')).toBe(true)
  })

  it('names the N:M pattern a layer meets, and only that layer', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 4, name: 'nm' }), tfl.layers.dense({ units: 2, name: 'dense' })] })
    const [kernel, bias] = model.getLayer('nm').getWeights()
    // Inputs 0 and 2 of each group of four kept: 2:4 in every output column.
    const mask = tf.tensor2d(Array.from({ length: 8 }, (_, i) => Array(4).fill(i % 4 === 0 || i % 4 === 2 ? 1 : 0)))
    const pruned = tf.mul(kernel, mask)
    model.getLayer('nm').setWeights([pruned, bias])
    const dir = tempDir()
    await saveModel(model, join(dir, 'm'))
    const table = rows((await cli(['inspect', 'm'], dir)).stdout)
    expect(table.get('nm')).toEqual(['Dense', '[N, 4]', '36', '50.00%', '2:4'])
    expect(table.get('dense')?.[4]).toBe('-')
    tf.dispose([mask, pruned])
    model.dispose()
  })

  it('names the file and the fix for a path with no model, with exit code 2', async () => {
    const result = await cli(['inspect', 'nowhere'], tempDir())
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/No model at nowhere: .*Give a directory with model\.json/)
  })
})
