import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { setupBackend } from '@prunekit/core'
import { loadModel } from '@prunekit/models'
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cli, repoRoot, tempDir } from './run-cli.js'

const kerasLenet = join(repoRoot, '../shared/fixtures/external/keras-lenet')

beforeAll(async () => {
  await setupBackend('cpu')
})

/** Every kernel (rank >= 2) of a loaded model, as a flat 0/1 list: 1 where the weight is exactly zero. */
function kernelZeros(model: tfl.LayersModel): number[] {
  return model.weights.filter((w) => w.shape.length >= 2).flatMap((w) => Array.from(w.read().dataSync(), (v) => (v === 0 ? 1 : 0)))
}

const fraction = (zeros: number[]): number => zeros.reduce((a, b) => a + b, 0) / zeros.length

/** The size table's rows by label: [raw, gzip, brotli] as numbers (ratios as numbers too). */
function tableRows(stdout: string): Map<string, number[]> {
  const rows = new Map<string, number[]>()
  for (const line of stdout.split('\n')) {
    const match = /^(\S.*?)\s{2,}([\d,.]+x?)\s+([\d,.]+x?)\s+([\d,.]+x?)$/.exec(line)
    if (match) rows.set(match[1], match.slice(2).map((cell) => Number(cell.replace(/[,x]/g, ''))))
  }
  return rows
}

const fileBytes = (dir: string): number => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0)

describe('prunekit compress', () => {
  it('prunes keras-lenet to 80%, writes a stock uint8 export that unmodified tf.loadLayersModel loads, and prints its sizes', async () => {
    const dir = tempDir()
    const result = await cli(['compress', kerasLenet, '--output', 'Softmax', '--sparsity', '0.8', '--quantize', 'uint8', '--out', 'small'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/with magnitude \(global\): 80\.00% of the kernel weights are zero \(35,352 of 44,190\)/)
    expect(result.stdout).toMatch(/^export\s+raw bytes\s+gzip\s+brotli$/m)
    expect(readdirSync(join(dir, 'small')).sort()).toEqual(['model.json', 'weights.bin'])

    const rows = tableRows(result.stdout)
    const [dense, written, ratio] = [rows.get('dense float32')!, rows.get('layers, uint8')!, rows.get('smaller by')!]
    expect(written[0]).toBe(fileBytes(join(dir, 'small'))) // the table measures the files written
    expect(dense[0]).toBeGreaterThan(3 * written[0])
    expect(ratio[0]).toBeCloseTo(dense[0] / written[0], 1)
    for (const column of [1, 2]) expect(written[column]).toBeLessThan(dense[column])

    const json = JSON.parse(readFileSync(join(dir, 'small/model.json'), 'utf8'))
    const specs = json.weightsManifest[0].weights as Array<{ quantization?: { dtype: string } }>
    expect(specs.filter((s) => s.quantization?.dtype === 'uint8')).toHaveLength(3)
    const weightData = new Uint8Array(readFileSync(join(dir, 'small/weights.bin'))).buffer
    const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }))
    expect(fraction(kernelZeros(model))).toBeGreaterThanOrEqual(0.8)
  })

  it('writes the sparse format with --format sparse, which models\' loadModel reads back with the same zeros', async () => {
    const dir = tempDir()
    const [layers, sparse] = await Promise.all(
      ['layers', 'sparse'].map((format) => cli(['compress', join(kerasLenet, 'model.json'), '--output', 'Softmax', '--sparsity', '0.8', '--quantize', 'uint8', '--format', format, '--out', format], dir)),
    )
    expect(layers.code).toBe(0)
    expect(sparse.stderr).toBe('')
    expect(sparse.code).toBe(0)
    expect(sparse.stdout).toContain('sparse format, load it with @prunekit/sparse-loader')
    expect(readdirSync(join(dir, 'sparse')).sort()).toEqual(['model.json', 'weights.sparse.bin'])
    const written = tableRows(sparse.stdout).get('sparse, uint8')!
    expect(written[0]).toBe(fileBytes(join(dir, 'sparse')))
    expect(written[0]).toBeLessThan(tableRows(layers.stdout).get('layers, uint8')![0])

    const [fromLayers, fromSparse] = await Promise.all([loadModel(join(dir, 'layers')), loadModel(join(dir, 'sparse'))])
    const zeros = kernelZeros(fromSparse)
    expect(fraction(zeros)).toBeGreaterThanOrEqual(0.8)
    expect(zeros).toEqual(kernelZeros(fromLayers))
  })

  it('writes into a non-empty --out with --force, keeping files it does not write, and is listed by prunekit --help', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'taken'))
    writeFileSync(join(dir, 'taken/keep.txt'), 'mine')
    const result = await cli(['compress', kerasLenet, '--sparsity', '0.5', '--scope', 'layer', '--out', 'taken', '--force'], dir)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/with magnitude \(layer\): 50\.00% of the kernel weights are zero/)
    expect(readdirSync(join(dir, 'taken')).sort()).toEqual(['keep.txt', 'model.json', 'weights.bin'])
    expect((await cli(['--help'], dir)).stdout).toMatch(/^ {2}compress \[options\] <model> {2,}prune a TensorFlow\.js Layers model/m)
  })
})

/** Every file under `dir`, relative, sorted: what a refused command must leave unchanged. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
}

describe('prunekit compress refuses bad input', () => {
  const lenet = kerasLenet
  it.each([
    ['a missing model', ['nothing/model.json', '--sparsity', '0.9'], /No model at nothing\/model\.json: the file or directory does not exist/],
    ['a JSON file that is not a model', ['notes.json', '--sparsity', '0.9'], /notes\.json is not a TensorFlow\.js Layers model: "modelTopology" is missing/],
    ['a graph model', ['graph/model.json', '--sparsity', '0.9'], /it is a graph model .*prunekit prunes Layers models/],
    ['a sparsity of 1', [lenet, '--sparsity', '1'], /option '--sparsity <fraction>' argument '1' is invalid\. the fraction of weights to prune must be a number from 0 up to \(not including\) 1/],
    ['a sparsity that is not a number', [lenet, '--sparsity', 'most'], /option '--sparsity <fraction>' argument 'most' is invalid/],
    ['a negative sparsity', [lenet, '--sparsity', '-0.5'], /option '--sparsity <fraction>' argument '-0.5' is invalid/],
    ['no sparsity', [lenet], /required option '--sparsity <fraction>' not specified/],
    ['an unknown dtype', [lenet, '--sparsity', '0.9', '--quantize', 'int4'], /option '--quantize <dtype>' argument 'int4' is invalid\. Allowed choices are uint8, uint16, float16/],
    ['an unknown format', [lenet, '--sparsity', '0.9', '--format', 'onnx'], /option '--format <format>' argument 'onnx' is invalid\. Allowed choices are layers, sparse/],
    ['an --out that is a file', [lenet, '--sparsity', '0.9', '--out', 'notes.json'], /--out notes\.json is a file, not a directory/],
    ['an --out inside a file', [lenet, '--sparsity', '0.9', '--out', 'notes.json/model'], /--out notes\.json\/model cannot be created: .*notes\.json is a file/],
    ['a non-empty --out without --force', [lenet, '--sparsity', '0.9', '--out', 'taken'], /--out taken is not empty\. Pass --force/],
    ['an unknown output', [lenet, '--sparsity', '0.9', '--output', 'Logits'], /has no output "Logits"\. Its 7 outputs: .*6 \(Softmax\)/],
    ['an unknown strategy', [lenet, '--sparsity', '0.9', '--strategy', 'magnitud'], /unknown strategy "magnitud"\. Did you mean "magnitude"\?/],
    ['a bad --min-size', [lenet, '--sparsity', '0.9', '--min-size', '1.5'], /option '--min-size <n>' argument '1\.5' is invalid/],
  ])('%s: exit 2, a message naming it, no stack trace, nothing written', async (_case, args, message) => {
    const dir = tempDir({ 'notes.json': '{"title": "not a model"}' })
    mkdirSync(join(dir, 'graph'))
    writeFileSync(join(dir, 'graph/model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }))
    mkdirSync(join(dir, 'taken'))
    writeFileSync(join(dir, 'taken/keep.txt'), 'mine')
    const before = listing(dir)
    const result = await cli(['compress', ...args], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(result.stdout).toBe('')
    expect(listing(dir)).toEqual(before)
  })
})
