import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createRng, ModelError, prune, setupBackend } from '@prunekit/core'
import { SparseFormatError, sparseIO, type SparseModelJson } from '@prunekit/sparse-loader'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { lenet300100Model } from '../lenet-300-100.js'
import { loadModel } from './load.js'
import { encodeSparse } from './sparse-writer.js'

const kerasLenet = fileURLToPath(new URL('../../../../../shared/fixtures/external/keras-lenet/', import.meta.url))

async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved!: tf.io.ModelArtifacts
  await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: {} as tf.io.ModelArtifactsInfo })))
  return saved
}

const bytesOf = (data: tf.io.WeightData | undefined) => new Uint8Array(data as ArrayBuffer)
/** Float32 bit patterns, with -0.0 as +0.0: the one difference the sparse format allows. */
const bitsOf = (data: tf.io.WeightData | undefined) => new Uint32Array(data as ArrayBuffer).map((bits) => (bits === 0x80000000 ? 0 : bits))
/** What the export step will write and a page will read: model.json goes through JSON text. */
const asWritten = ({ modelJson, data }: ReturnType<typeof encodeSparse>) => ({ modelJson: JSON.parse(JSON.stringify(modelJson)) as SparseModelJson, data })

async function lenet300100(): Promise<tfl.LayersModel> {
  return (await lenet300100Model.build({}, { inputShape: [784], numClasses: 10, task: 'multiclass', rng: createRng(4) })) as tfl.LayersModel
}

/** Zero-preserving uint8 quantization, as tfjs-converter does it: min is nudged so that one code decodes to exactly 0. */
function quantizeUint8(values: Float32Array): { codes: Uint8Array; min: number; scale: number } {
  const low = values.reduce((a, b) => Math.min(a, b), 0)
  const scale = (values.reduce((a, b) => Math.max(a, b), 0) - low) / 255 || 1
  const zero = Math.round(-low / scale)
  const codes = Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round(v / scale) + zero)))
  return { codes, min: -zero * scale, scale }
}

beforeAll(async () => {
  await setupBackend('wasm')
})

describe('encodeSparse and sparseIO', () => {
  it.each([
    { name: 'LeNet-300-100', build: lenet300100 },
    { name: 'the Keras-converted LeNet', build: () => loadModel(kerasLenet) },
  ])('round-trip $name pruned to 90%: every weight reloads bit for bit (-0.0 as +0.0)', async ({ build }) => {
    const model = await build()
    const pruned = await prune(model, { sparsity: 0.9 })
    pruned.applyMasks()
    const source = await artifactsOf(model)

    const encoded = encodeSparse(source)
    expect(encoded.modelJson).toMatchObject({ format: 'prunekit-sparse', version: 1, data: 'weights.sparse.bin' })
    expect(encoded.modelJson).not.toHaveProperty('modelTopology')
    const loaded = await tfl.loadLayersModel(sparseIO(asWritten(encoded)))

    const reloaded = await artifactsOf(loaded)
    expect(reloaded.weightSpecs).toEqual(source.weightSpecs)
    expect(bitsOf(reloaded.weightData)).toEqual(bitsOf(source.weightData))
    // tf.mul by a 0 mask leaves -0.0 where a weight was negative: those are zeros, stored as nothing.
    expect(new Uint32Array(source.weightData as ArrayBuffer).filter((bits) => bits === 0x80000000).length).toBeGreaterThan(0)
    const x = tf.randomUniform([4, ...(model.inputs[0].shape.slice(1) as number[])], 0, 1, 'float32', 5)
    const outputs = (m: tfl.LayersModel) => [m.predict(x)].flat().map((t) => Array.from(t.dataSync()))
    expect(outputs(loaded)).toEqual(outputs(model))
    tf.dispose(x)
    model.dispose()
    loaded.dispose()
  })

  it('stores LeNet-300-100 pruned to 90% in under 0.13x its dense float32 bytes, and in uint8 under 0.05x', async () => {
    const model = await lenet300100()
    await prune(model, { sparsity: 0.9 }).then((pruned) => pruned.applyMasks())
    const source = await artifactsOf(model)
    const dense = bytesOf(source.weightData).length
    expect(dense).toBe(266_610 * 4)

    const { modelJson, data } = encodeSparse(source)
    // Global magnitude leaves the 784x300 kernel sparsest: there a stored float32 costs 4 bytes and its index about 1 (a
    // gap under 128); the smaller, denser kernels take a bitmask (1/8 byte an element) when that is smaller.
    const kernels = modelJson.weights.filter((w) => w.name.endsWith('kernel'))
    expect(kernels[0].encoding).toBe('deltas')
    expect(kernels.map((w) => w.encoding)).not.toContain('dense')
    expect(data.length / dense).toBeLessThan(0.13)

    // Stock uint8 quantization of the kernels (biases stay float32): a stored element costs 1 byte and its index about 1.
    const specs = source.weightSpecs!.map((spec) => ({ ...spec }))
    const parts: Uint8Array[] = []
    let offset = 0
    for (const spec of specs) {
      const count = spec.shape.reduce((a, b) => a * b, 1)
      const values = new Float32Array(source.weightData as ArrayBuffer, offset, count)
      offset += 4 * count
      if (!spec.name.endsWith('kernel')) parts.push(new Uint8Array(values.slice().buffer))
      else {
        const { codes, min, scale } = quantizeUint8(values)
        spec.quantization = { dtype: 'uint8', min, scale }
        parts.push(codes)
      }
    }
    const quantized = { ...source, weightSpecs: specs, weightData: Uint8Array.from(parts.flatMap((p) => Array.from(p))).buffer }
    const sparse8 = encodeSparse(quantized)
    expect(sparse8.modelJson.weights.filter((w) => w.quantization).map((w) => w.zero)).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)])
    expect(sparse8.data.length / dense).toBeLessThan(0.05)
    const expanded = await sparseIO(asWritten(sparse8)).load!()
    expect(bytesOf(expanded.weightData)).toEqual(bytesOf(quantized.weightData))
    // Stock tfjs dequantizes every pruned weight to exactly 0.
    const loaded = await tfl.loadLayersModel(sparseIO(asWritten(sparse8)))
    const kernel = loaded.getWeights()[0].dataSync()
    expect(kernel.filter((v) => v === 0).length / kernel.length).toBeGreaterThanOrEqual(0.9)

    console.log(kernels.map((w) => `${w.name} ${w.encoding} ${(w.stored / w.shape[0] / w.shape[1]).toFixed(3)} stored`).join('; '))
    console.log(
      `LeNet-300-100 at 90%: dense float32 ${dense} bytes; sparse float32 ${data.length} (${(data.length / dense).toFixed(3)}x, gzip ${gzipSync(data).length}); ` +
        `sparse uint8 ${sparse8.data.length} (${(sparse8.data.length / dense).toFixed(3)}x, gzip ${gzipSync(sparse8.data).length})`,
    )
    model.dispose()
    loaded.dispose()
  })

  it('keeps stock-quantized weights (uint8 with zero point 3, uint16, float16) byte for byte, and records the zero point', async () => {
    const specs: tf.io.WeightsManifestEntry[] = [
      { name: 'u8', shape: [2, 4], dtype: 'float32', quantization: { dtype: 'uint8', min: -0.75, scale: 0.25 } },
      { name: 'u16', shape: [300], dtype: 'float32', quantization: { dtype: 'uint16', min: -2, scale: 1 / 512 } },
      { name: 'f16', shape: [5], dtype: 'float32', quantization: { dtype: 'float16' } },
    ]
    const u8 = [3, 3, 9, 3, 3, 3, 3, 0]
    const u16 = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? 2000 + i : 1024))
    const f16 = [0, 0x8000, 0x3c00, 0, 0]
    const weightData = Uint8Array.from([...u8, ...new Uint8Array(new Uint16Array([...u16, ...f16]).buffer)]).buffer
    const { modelJson, data } = encodeSparse({ modelTopology: {}, weightSpecs: specs, weightData })

    expect(modelJson.weights.map(({ name, encoding, zero, stored }) => ({ name, encoding, zero, stored }))).toEqual([
      { name: 'u8', encoding: 'bitmask', zero: 3, stored: 2 }, // bitmask 1 + 2 bytes, deltas 2 + 2, dense 8
      { name: 'u16', encoding: 'deltas', zero: 1024, stored: 6 }, // deltas 6 + 12, bitmask 38 + 12
      { name: 'f16', encoding: 'bitmask', zero: undefined, stored: 1 }, // a tie (1 + 2 bytes each) goes to the bitmask
    ])
    const expanded = await sparseIO(asWritten({ modelJson, data })).load!()
    expect(expanded.weightSpecs).toEqual(specs)
    const f16Zeroed = [0, 0, 0x3c00, 0, 0] // -0.0 in half precision reloads as +0.0
    expect(bytesOf(expanded.weightData)).toEqual(Uint8Array.from([...u8, ...new Uint8Array(new Uint16Array([...u16, ...f16Zeroed]).buffer)]))
  })

  it('refuses artifacts it cannot encode, and the loader refuses a truncated export naming the data file', async () => {
    expect(() => encodeSparse({ modelTopology: new ArrayBuffer(4), weightSpecs: [], weightData: new ArrayBuffer(0) })).toThrow(ModelError)
    expect(() => encodeSparse({ modelTopology: {}, weightSpecs: [{ name: 'w', shape: [3], dtype: 'float32' }], weightData: new ArrayBuffer(8) })).toThrow(
      /weight data is 8 bytes, too short for weight "w"/,
    )
    expect(() => encodeSparse({ modelTopology: {}, weightSpecs: [{ name: 's', shape: [1], dtype: 'string' }], weightData: new ArrayBuffer(4) })).toThrow(/weight "s" has dtype "string"/)

    const model = await lenet300100()
    await prune(model, { sparsity: 0.9 }).then((pruned) => pruned.applyMasks())
    const { modelJson, data } = encodeSparse(await artifactsOf(model))
    const error = await sparseIO({ modelJson, data: data.subarray(0, data.length - 1) }).load!().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SparseFormatError)
    expect((error as Error).message).toBe(`weights.sparse.bin: is ${data.length - 1} bytes, but model.json lists ${data.length} (truncated?)`)
    model.dispose()
  })
})
