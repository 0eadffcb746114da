import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createRegistry, createRng, evaluateModel, magnitude, ModelError, PrunableModel, setupBackend } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { lenet300100Model } from '../lenet-300-100.js'
import { outputIndex } from './file-model.js'
import { exportModel } from './export-model.js'
import { loadModel, saveModel } from './load.js'

const kerasLenet = fileURLToPath(new URL('../../../../../shared/fixtures/external/keras-lenet/', import.meta.url))
const temp = () => mkdtempSync(join(tmpdir(), 'prunekit-io-'))

/** Stock tfjs only: read model.json and its shards with fs, load with tf.loadLayersModel. */
async function loadWithStockTfjs(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))
  const buffers = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dir, p))))
  const weightData = new Uint8Array(Buffer.concat(buffers)).buffer
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights)
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }))
}

async function mnistTest(count: number) {
  const registry = createRegistry({ plugins: [datasetsPlugin()] })
  return registry.datasets.get('mnist').load({ train: 1, test: count, shape: 'flat' }, { seed: 3, rng: createRng(3) })
}

async function zeros(model: tfl.LayersModel): Promise<number> {
  let n = 0
  for (const w of model.trainableWeights) n += (await w.read().data()).filter((v) => v === 0).length
  return n
}

beforeAll(async () => {
  await setupBackend('wasm')
})

describe('loadModel', () => {
  it('loads the Keras-converted LeNet (model_config layout, 7 outputs) and reproduces its accuracy', async () => {
    const model = await loadModel(kerasLenet)
    expect(model.outputs).toHaveLength(7)
    expect(model.countParams()).toBe(44426)
    const data = await mnistTest(3000)
    const x = tf.reshape(data.test.x, [-1, 28, 28])
    const result = await evaluateModel(new PrunableModel(model, { output: outputIndex(model, 'Softmax', 'keras-lenet') }), { ...data.test, x }, 'multiclass')
    expect(result.accuracy).toBeGreaterThanOrEqual(0.99)
    tf.dispose(x)
    data.dispose()
    model.dispose()
  })

  it('round-trips a tfjs-layers Sequential model through saveModel (same predictions)', async () => {
    const original = await lenet300100Model.build({}, { inputShape: [784], numClasses: 10, task: 'multiclass', rng: createRng(4) })
    const dir = temp()
    await saveModel(original as tfl.LayersModel, dir)
    const loaded = await loadModel(join(dir, 'model.json'))
    const x = tf.randomUniform([5, 784], 0, 1, 'float32', 1)
    expect(await (loaded.predict(x) as tf.Tensor).data()).toEqual(await ((original as tfl.LayersModel).predict(x) as tf.Tensor).data())
    tf.dispose(x)
  })

  it.each([
    ['an empty shard', (dir: string) => writeFileSync(join(dir, 'group1-shard1of1'), ''), /hold 0 bytes, but its weightsManifest needs 177704/],
    ['a shard shorter than the manifest', (dir: string) => truncateSync(join(dir, 'group1-shard1of1'), 1000), /hold 1000 bytes, but its weightsManifest needs 177704. A shard is truncated/],
    ['an unknown layer class', (dir: string) => writeFileSync(join(dir, 'model.json'), readFileSync(join(dir, 'model.json'), 'utf8').replace('"class_name": "Flatten"', '"class_name": "Flattener"')), /uses the layer class "Flattener", which tfjs-layers does not know/],
    ['JSON that is not a model', (dir: string) => writeFileSync(join(dir, 'model.json'), '{"hello": "world"}'), /model\.json is not a TensorFlow\.js Layers model: "modelTopology" is missing/],
    ['text that is not JSON', (dir: string) => writeFileSync(join(dir, 'model.json'), 'not json'), /model\.json is not valid JSON/],
  ])('refuses %s with an error naming the file', async (_case, damage, message) => {
    const dir = temp()
    cpSync(kerasLenet, dir, { recursive: true })
    damage(dir)
    const error = await loadModel(dir).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(ModelError)
    expect(error.message).toMatch(message)
    expect(error.message).toContain(dir)
  })

  it('names a shard that does not exist', async () => {
    const dir = temp()
    cpSync(kerasLenet, dir, { recursive: true })
    writeFileSync(join(dir, 'model.json'), readFileSync(join(dir, 'model.json'), 'utf8').replace('group1-shard1of1', 'group1-missing'))
    await expect(loadModel(dir)).rejects.toThrow(/lists the weight shard group1-missing, but .*group1-missing does not exist/)
  })

  it('says when there is no model at a path', async () => {
    await expect(loadModel(join(temp(), 'nothing'))).rejects.toThrow(/No model at .*nothing: the file or directory does not exist/)
  })
})

describe('outputIndex', () => {
  it.each([
    [undefined, 6],
    ['Softmax', 6],
    [0, 0],
    [-1, 6],
    [-7, 0],
  ])('resolves output %j to %i', async (output, index) => {
    const model = await loadModel(kerasLenet)
    expect(outputIndex(model, output, 'keras-lenet')).toBe(index)
    model.dispose()
  })

  it('lists the outputs when asked for one that does not exist', async () => {
    const model = await loadModel(kerasLenet)
    expect(() => outputIndex(model, 'Logits', 'keras-lenet')).toThrow(/keras-lenet has no output "Logits". Its 7 outputs: 0 \(Conv2D_1\), .*6 \(Softmax\)/)
    model.dispose()
  })
})

describe('export', () => {
  it('writes keras-lenet pruned to 80% so that stock tfjs loads it with the same predictions and exactly the same zeros', async () => {
    const model = new PrunableModel(await loadModel(kerasLenet))
    await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.8 }) }, { rng: createRng(1) })
    const dir = temp()
    await saveModel(model.model, dir)
    const stock = await loadWithStockTfjs(dir)
    const x = tf.randomUniform([4, 28, 28], 0, 1, 'float32', 2)
    const ours = model.model.predict(x) as tf.Tensor[]
    const theirs = stock.predict(x) as tf.Tensor[]
    expect(theirs).toHaveLength(7)
    for (let i = 0; i < 7; i++) expect(await theirs[i].data()).toEqual(await ours[i].data())
    expect(await zeros(stock)).toBe(await zeros(model.model))
    const kernels = model.weights().filter((w) => w.shape.length >= 2).reduce((n, w) => n + w.size, 0)
    expect(await zeros(stock)).toBeGreaterThanOrEqual(Math.round(0.8 * kernels))
    tf.dispose([x, ...ours, ...theirs])
  })

  // Tolerances on the 7 outputs (activations and softmax probabilities); measured worst: uint8 0.016, uint16 9e-5, float16 6e-4.
  it.each([
    ['uint8', 3e-2],
    ['uint16', 5e-4],
    ['float16', 2e-3],
  ] as const)('writes keras-lenet at sparsity 0.8 as %s that stock tfjs loads with every pruned weight exactly 0 and predictions within %d', async (dtype, tolerance) => {
    const model = new PrunableModel(await loadModel(kerasLenet))
    await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.8 }) }, { rng: createRng(1) })
    model.applyMasks()
    const dir = temp()
    const report = await exportModel(model.model, dir, { quantize: dtype, minSize: 0 })
    const stock = await loadWithStockTfjs(dir)
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].weights as Array<{ name: string; quantization?: { dtype: string } }>
    expect(manifest.map((w) => w.quantization?.dtype)).toEqual(manifest.map(() => dtype))
    expect(report.quantized).toEqual(manifest.map((w) => w.name))
    const bytesPerValue = dtype === 'uint8' ? 1 : 2
    expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(44426 * bytesPerValue)
    expect(report.sizes.weights.raw).toBe(44426 * bytesPerValue)
    expect(report.float32.weights.raw).toBe(177704)

    // Every weight pruned in the source is exactly 0 after stock decoding.
    const sourceWeights = model.model.weights
    for (const [i, w] of stock.weights.entries()) {
      const ours = await sourceWeights[i].read().data()
      const theirs = await w.read().data()
      const prunedButNotZero = ours.reduce<number>((n, v, j) => n + (v === 0 && theirs[j] !== 0 ? 1 : 0), 0)
      expect(prunedButNotZero, w.name).toBe(0)
    }
    expect(await zeros(stock)).toBeGreaterThanOrEqual(await zeros(model.model))

    const x = tf.randomUniform([4, 28, 28], 0, 1, 'float32', 2)
    const ours = model.model.predict(x) as tf.Tensor[]
    const theirs = stock.predict(x) as tf.Tensor[]
    const worst = Math.max(...(await Promise.all(ours.map(async (o, i) => tf.max(tf.abs(tf.sub(o, theirs[i]))).data()))).map((d) => d[0]))
    expect(worst).toBeLessThanOrEqual(tolerance)
    tf.dispose([x, ...ours, ...theirs])
  })
})
