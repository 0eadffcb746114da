import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { PrunableModel, type LayerSelector, type WeightRef } from '@prunekit/core'
import { matchesSelector } from '@prunekit/core/internal'
import { quantizeValues, type QuantizeDtype } from './quantize.js'

/** Smaller weights stay float32 unless `minSize` says otherwise: every bias in the zoo, and BatchNorm's vectors. */
export const defaultMinSize = 1024

/** Which weights `exportArtifacts` stores quantized, and how. */
export interface ExportArtifactsOptions {
  /** Stock tfjs quantization of the selected weights; absent: every weight float32. */
  quantize?: QuantizeDtype
  /** Quantize only these layers' weights (default: every layer). */
  include?: LayerSelector[]
  /** Keep these layers' weights float32, e.g. `['output']`, `[{ type: 'Conv2D' }]` or `['/bias$/']`. */
  exclude?: LayerSelector[]
  /** Weights with fewer elements than this stay float32 (default 1024). */
  minSize?: number
}

/** Whether `ref` gets quantized under `options` (a float32 weight the selectors pick, with at least minSize elements). */
export function selectedForQuantization(ref: WeightRef, options: ExportArtifactsOptions): boolean {
  if (!options.quantize || ref.variable.dtype !== 'float32') return false
  if (ref.size < (options.minSize ?? defaultMinSize)) return false
  if (options.include && !options.include.some((s) => matchesSelector(s, ref))) return false
  return !(options.exclude ?? []).some((s) => matchesSelector(s, ref))
}

async function stockArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let captured: tf.io.ModelArtifacts | undefined
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  return captured!
}

const bytesOf = (view: ArrayBufferView): Uint8Array => new Uint8Array(view.buffer, view.byteOffset, view.byteLength)

/**
 * The model as stock `tf.io.ModelArtifacts` (what `model.save` writes), with the selected weights
 * quantized: their `weightSpecs` entries carry `quantization`, which unmodified `tf.loadLayersModel`
 * decodes. Apply masks first: exact zeros stay exactly 0 after decoding.
 */
export async function exportArtifacts(model: tfl.LayersModel, options: ExportArtifactsOptions = {}): Promise<tf.io.ModelArtifacts> {
  return quantizeArtifacts(await stockArtifacts(model), model, options)
}

/** `artifacts` (float32, as `model.save` writes them) with the weights `options` select quantized; reads no weight of `model`. */
export function quantizeArtifacts(artifacts: tf.io.ModelArtifacts, model: tfl.LayersModel, options: ExportArtifactsOptions): tf.io.ModelArtifacts {
  if (!options.quantize) return artifacts
  const refs = new Map(new PrunableModel(model).weights('all').map((ref) => [ref.variable.originalName, ref]))
  const source = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData))
  const parts: Uint8Array[] = []
  const weightSpecs: tf.io.WeightsManifestEntry[] = []
  let offset = 0
  for (const spec of artifacts.weightSpecs ?? []) {
    const size = spec.shape.reduce((a, b) => a * b, 1)
    const bytes = source.subarray(offset, offset + size * 4) // model.save writes float32 and int32 only
    offset += size * 4
    const ref = refs.get(spec.name)
    if (spec.dtype !== 'float32' || !ref || !selectedForQuantization(ref, options)) {
      parts.push(bytes)
      weightSpecs.push(spec)
      continue
    }
    const values = new Float32Array(bytes.slice().buffer)
    const { quantization, data } = quantizeValues(values, options.quantize, spec.name)
    parts.push(bytesOf(data))
    weightSpecs.push({ ...spec, quantization })
  }
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  parts.reduce((at, part) => (weightData.set(part, at), at + part.byteLength), 0)
  return { ...artifacts, weightSpecs, weightData: weightData.buffer }
}
