import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createRegistry, runPipeline, setupBackend, type LayerSelector } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelsPlugin } from '../plugin.js'
import { exportArtifacts, type ExportArtifactsOptions } from './export-artifacts.js'
import { encodedBytes } from './encoded-bytes.js'
import { exportModel, type ExportModelOptions } from './export-model.js'
import { artifactSizes } from './sizes.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

/** wide: kernel 4x2048, bias 2048; narrow: kernel 2048x8, bias 8; out: kernel 8x3, bias 3. */
function model(): tfl.LayersModel {
  const m = tfl.sequential()
  m.add(tfl.layers.dense({ name: 'wide', units: 2048, inputShape: [4], kernelInitializer: 'glorotUniform', biasInitializer: 'ones' }))
  m.add(tfl.layers.dense({ name: 'narrow', units: 8, activation: 'relu' }))
  m.add(tfl.layers.dense({ name: 'out', units: 3 }))
  return m
}

const quantizedNames = async (options: ExportArtifactsOptions) =>
  (await exportArtifacts(model(), options)).weightSpecs!.filter((s) => s.quantization).map((s) => s.name.replace(/_\d+/, ''))

describe('exportArtifacts', () => {
  it.each<[string, ExportArtifactsOptions, string[]]>([
    ['no quantize: everything float32', {}, []],
    ['default minSize 1024: the two big kernels and the 2048-wide bias', { quantize: 'uint8' }, ['wide/kernel', 'wide/bias', 'narrow/kernel']],
    ['minSize 0: every weight', { quantize: 'uint8', minSize: 0 }, ['wide/kernel', 'wide/bias', 'narrow/kernel', 'narrow/bias', 'out/kernel', 'out/bias']],
    ['minSize 0, biases kept with /bias$/', { quantize: 'uint16', minSize: 0, exclude: ['/bias$/'] }, ['wide/kernel', 'narrow/kernel', 'out/kernel']],
    ['include a layer by name', { quantize: 'float16', include: ['narrow'] }, ['narrow/kernel']],
    ['include by /regex/', { quantize: 'uint8', include: ['/^(wide|out)$/'], minSize: 0 }, ['wide/kernel', 'wide/bias', 'out/kernel', 'out/bias']],
    ['exclude by type', { quantize: 'uint8', exclude: [{ type: 'Dense' } as LayerSelector] }, []],
    ['exclude one weight by its key', { quantize: 'uint8', exclude: ['wide/bias'] }, ['wide/kernel', 'narrow/kernel']],
  ])('%s', async (_name, options, expected) => {
    expect(await quantizedNames(options)).toEqual(expected)
  })

  it('leaves model.save()\'s artifacts untouched without quantize, and shrinks each quantized weight to 1 or 2 bytes a value', async () => {
    const m = model()
    const plain = await exportArtifacts(m)
    const bytes = (a: tf.io.ModelArtifacts) => tf.io.CompositeArrayBuffer.join(a.weightData).byteLength
    expect(bytes(plain)).toBe(m.countParams() * 4)
    const big = 4 * 2048 + 2048 + 2048 * 8
    expect(bytes(await exportArtifacts(m, { quantize: 'uint8' }))).toBe(m.countParams() * 4 - big * 3)
    expect(bytes(await exportArtifacts(m, { quantize: 'float16' }))).toBe(m.countParams() * 4 - big * 2)
  })

  it('loads back through stock tfjs with weights within scale / 2', async () => {
    const m = model()
    const artifacts = await exportArtifacts(m, { quantize: 'uint8', minSize: 0 })
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts))
    for (const [i, spec] of artifacts.weightSpecs!.entries()) {
      const error = tf.max(tf.abs(tf.sub(loaded.weights[i].read(), m.weights[i].read()))).dataSync()[0]
      expect(error, spec.name).toBeLessThanOrEqual(spec.quantization!.scale! / 2 + 1e-7)
    }
  })
})

describe('artifactSizes and exportModel', () => {
  it('measures exactly the bytes written: raw, gzip and brotli per file, beside the float32 export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-sizes-'))
    const m = model()
    const report = await exportModel(m, dir, { quantize: 'uint8' })
    const files = { modelJson: readFileSync(join(dir, 'model.json')), weights: readFileSync(join(dir, 'weights.bin')) }
    for (const [key, bytes] of Object.entries(files) as Array<[keyof typeof files, Buffer]>) {
      expect(report.sizes[key]).toEqual({ raw: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength, brotli: brotliCompressSync(bytes).byteLength })
    }
    expect(report.sizes.raw).toBe(files.modelJson.byteLength + files.weights.byteLength)
    expect(report.sizes.gzip).toBe(report.sizes.modelJson.gzip + report.sizes.weights.gzip)
    expect(report.float32).toEqual(await artifactSizes(await exportArtifacts(m)))
    expect(report.float32.weights.raw).toBe(m.countParams() * 4)
    expect(report).toMatchObject({ file: `${dir}/model.json`, dtype: 'uint8' })
    expect(report.quantized.map((n) => n.replace(/_\d+/, ''))).toEqual(['wide/kernel', 'wide/bias', 'narrow/kernel'])
  })

  it('reports the sizes in the export step\'s summary line, and refuses an unknown quantize dtype', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-export-step-'))
    const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin()] })
    const config = (quantize: string) => ({
      seed: 1,
      backend: 'cpu',
      model: { zoo: 'mlp', units: [64] },
      data: { dataset: 'synthetic', samples: 64 },
      pipeline: [{ prune: { strategy: 'magnitude', sparsity: 0.9 } }, { export: { dir: 'm', quantize, minSize: 0 } }],
      reporters: [],
      out,
    })
    const result = await runPipeline(config('uint8'), { registry, quiet: true })
    const summary = result.steps[1].summary!
    expect(summary).toMatch(new RegExp(`^wrote ${out}/m/model\\.json \\(uint8, 4 weights quantized\\): [\\d,]+ bytes raw, [\\d,]+ gzip, [\\d,]+ brotli; float32 [\\d,]+ bytes raw, [\\d,]+ gzip, [\\d,]+ brotli \\([\\d.]+x raw, [\\d.]+x gzip\\); reloaded: loss [\\d.]+, accuracy [\\d.]+$`))
    const weights = readFileSync(join(out, 'm', 'weights.bin')).byteLength
    expect(summary).toContain(`${(weights + readFileSync(join(out, 'm', 'model.json')).byteLength).toLocaleString('en-US')} bytes raw`)
    await expect(runPipeline(config('int4'), { registry, quiet: true })).rejects.toThrow(/pipeline\.1\.export\.quantize: Invalid option: expected one of "uint8"\|"uint16"\|"float16"/)
  })

  it('writes the sparse format from the export step, and the file model reads it back weight for weight', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-export-sparse-'))
    const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin()] })
    const base = { seed: 2, backend: 'cpu', data: { dataset: 'synthetic', samples: 64 }, reporters: [], out }
    const pipeline = [{ prune: { strategy: 'magnitude', sparsity: 0.9 } }, { export: { dir: 'stock' } }, { export: { dir: 'sparse', format: 'sparse', quantize: 'uint8', minSize: 0 } }]
    const exported = await runPipeline({ ...base, model: { zoo: 'mlp', units: [64] }, pipeline }, { registry, quiet: true, keepModel: true })
    expect(exported.steps[2].summary).toMatch(new RegExp(`^wrote ${out}/sparse/model\\.json \\(sparse, uint8, 4 weights quantized\\): `))
    const dataFile = readFileSync(join(out, 'sparse', 'weights.sparse.bin')).byteLength
    expect(dataFile).toBeLessThan(readFileSync(join(out, 'stock', 'weights.bin')).byteLength / 8)
    const reloaded = await runPipeline({ ...base, model: { path: join(out, 'sparse') }, pipeline: [{ export: { dir: 'again' } }] }, { registry, quiet: true, keepModel: true })
    const source = exported.model!.model.getWeights()
    const back = reloaded.model!.model.getWeights()
    expect(back.map((w) => w.shape)).toEqual(source.map((w) => w.shape))
    for (const [i, w] of back.entries()) {
      const [got, want] = [w.dataSync(), source[i].dataSync()]
      // Pruned weights come back exactly 0; the others within uint8's half step.
      expect(want.every((v, j) => (v === 0 ? got[j] === 0 : Math.abs(got[j] - v) < 0.02))).toBe(true)
    }
    exported.model!.dispose()
    reloaded.model!.dispose()
  })

  it('encodedBytes gives exactly the raw bytes each export variant writes', async () => {
    const m = model()
    const encoded = await encodedBytes(m)
    const written = async (options: ExportModelOptions) => (await exportModel(m, mkdtempSync(join(tmpdir(), 'prunekit-encoded-')), options)).sizes.raw
    expect(encoded).toEqual({
      float32: await written({}),
      uint8: await written({ quantize: 'uint8' }),
      sparse: await written({ format: 'sparse' }),
      'sparse-uint8': await written({ format: 'sparse', quantize: 'uint8' }),
    })
  })
})
