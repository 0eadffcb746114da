import * as tf from '@tensorflow/tfjs-core'
import { encodeSparse } from './sparse-writer.js'
import { ModelError } from '@prunekit/core'

/** The parts of a tfjs Layers model.json that loading needs. */
export interface ModelJson {
  modelTopology: Record<string, unknown>
  weightsManifest: tf.io.WeightsManifestConfig
  format?: string
  generatedBy?: string
  convertedBy?: string | null
}

const bytesPerValue: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 }

/** Bytes one weight occupies in a shard, honouring quantization. */
export function weightBytes(entry: tf.io.WeightsManifestEntry): number {
  const dtype = entry.quantization?.dtype ?? entry.dtype
  const size = entry.shape.reduce((a, b) => a * b, 1)
  const bytes = bytesPerValue[dtype]
  if (bytes === undefined) throw new ModelError(`weight "${entry.name}" has dtype "${dtype}", which prunekit cannot read`)
  return size * bytes
}

/** Checks that parsed JSON is a tfjs Layers model, naming the file and what is wrong. */
export function parseModelJson(value: unknown, file: string): ModelJson {
  const fail = (why: string) => new ModelError(`${file} is not a TensorFlow.js Layers model: ${why}.`)
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw fail('expected a JSON object with modelTopology and weightsManifest')
  const json = value as Partial<ModelJson> & { format?: string }
  if (json.format === 'graph-model') throw fail('it is a graph model (format "graph-model"); prunekit prunes Layers models (tf.LayersModel)')
  if (!json.modelTopology || typeof json.modelTopology !== 'object') throw fail('"modelTopology" is missing')
  const topology = json.modelTopology as Record<string, unknown>
  const config = (topology.model_config ?? topology) as Record<string, unknown>
  if (typeof config.class_name !== 'string') throw fail('"modelTopology" has no class_name (neither directly nor under model_config)')
  if (!Array.isArray(json.weightsManifest)) throw fail('"weightsManifest" is missing or not a list')
  for (const [i, group] of json.weightsManifest.entries()) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group?.weights)) throw fail(`weightsManifest[${i}] needs "paths" and "weights" lists`)
  }
  return json as ModelJson
}

/** How an export stores the model: the stock tfjs Layers format, or prunekit's sparse format (its loader: @prunekit/sparse-loader). */
export type ExportFormat = 'layers' | 'sparse'

/** The files of the stock tfjs Layers format, as written: model.json's text and the single weights.bin shard. */
export function modelFiles(artifacts: tf.io.ModelArtifacts): { modelJson: string; weights: Uint8Array } {
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)))
  const json = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'prunekit',
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
  }
  return { modelJson: JSON.stringify(json), weights }
}

/** The files an export writes, as written: the data file first, model.json last. */
export function exportFiles(artifacts: tf.io.ModelArtifacts, format: ExportFormat = 'layers'): { modelJson: string; data: { name: string; bytes: Uint8Array } } {
  if (format === 'sparse') {
    const { modelJson, data } = encodeSparse(artifacts)
    return { modelJson: JSON.stringify(modelJson), data: { name: modelJson.data, bytes: data } }
  }
  const { modelJson, weights } = modelFiles(artifacts)
  return { modelJson, data: { name: 'weights.bin', bytes: weights } }
}
