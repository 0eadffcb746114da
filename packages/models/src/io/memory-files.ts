import * as tf from '@tensorflow/tfjs-core'
import { ModelError } from '@prunekit/core'
import { expandSparse, sparseFormat, type SparseModelJson } from '@prunekit/sparse-loader'
import { defaultMaxBytes, manifestBytes, maxModelJsonBytes, readShards, type LoadOptions, type ShardReader } from './load-limits.js'
import { exportFiles, parseModelJson, type ExportFormat } from './model-json.js'

/** A model's files in memory, by name relative to model.json: e.g. what a user dropped on a page. */
export type ModelFiles = ReadonlyMap<string, Uint8Array>

const missing = (modelJson: string, path: string, files: ModelFiles): ModelError =>
  new ModelError(
    `${modelJson} lists the weight shard ${path}, but it is not among the files given (${[...files.keys()].join(', ')}). ` +
      `Add ${path} (the file saved beside model.json) together with model.json.`,
  )

/** Reads the files model.json names from `files` only: a name not in the map is missing, never looked up elsewhere. */
function mapShardReader(files: ModelFiles, modelJson: string): ShardReader {
  return async (path) => {
    const bytes = files.get(path)
    if (!bytes) throw missing(modelJson, path, files)
    return { bytes, size: bytes.byteLength }
  }
}

function parseJson(files: ModelFiles, modelJson: string): unknown {
  const bytes = files.get(modelJson)
  if (!bytes) throw new ModelError(`No ${modelJson} among the files given (${[...files.keys()].join(', ') || 'none'}). Add the model's ${modelJson} with its weight files.`)
  if (bytes.byteLength > maxModelJsonBytes) throw new ModelError(`${modelJson} is ${bytes.byteLength} bytes; a model.json holds no weights and is at most ${maxModelJsonBytes}. Check that it is the model's model.json.`)
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch (cause) {
    throw new ModelError(`${modelJson} is not valid JSON: ${(cause as Error).message}.`, { cause })
  }
}

/**
 * Reads a tfjs Layers model (or a sparse export) from files in memory into ModelArtifacts, with the
 * checks `loadModel` makes on disk: shards only from `files`, each exactly the bytes the manifest
 * declares, the total held to maxBytes. Pass the result to `loadModel`.
 */
export async function readModelFiles(files: ModelFiles, modelJson = 'model.json', options: LoadOptions = {}): Promise<tf.io.ModelArtifacts> {
  const raw = parseJson(files, modelJson)
  const maxBytes = options.maxBytes ?? defaultMaxBytes
  if ((raw as { format?: unknown })?.format === sparseFormat) {
    const sparse = raw as SparseModelJson
    const { bytes, size } = await mapShardReader(files, modelJson)(String(sparse.data), maxBytes)
    if (size > maxBytes) throw new ModelError(`${String(sparse.data)} is ${size} bytes, more than the limit of ${maxBytes}. If the model really is that large, raise maxBytes.`)
    try {
      return expandSparse(sparse, bytes, modelJson, String(sparse.data))
    } catch (cause) {
      throw new ModelError((cause as Error).message, { cause })
    }
  }
  const json = parseModelJson(raw, modelJson)
  const needs = manifestBytes(json.weightsManifest, modelJson, maxBytes)
  const buffers = await readShards(json.weightsManifest, modelJson, needs, mapShardReader(files, modelJson))
  const { modelTopology, format, generatedBy, convertedBy } = json
  return { modelTopology, format, generatedBy, convertedBy, weightSpecs: json.weightsManifest.flatMap((group) => group.weights), weightData: tf.io.CompositeArrayBuffer.join(buffers) }
}

/** The files an export writes, in memory, by name (model.json and its data file): e.g. for a download in a browser. */
export function modelFilesOf(artifacts: tf.io.ModelArtifacts, format: ExportFormat = 'layers'): Map<string, Uint8Array> {
  const { modelJson, data } = exportFiles(artifacts, format)
  return new Map([
    ['model.json', new TextEncoder().encode(modelJson)],
    [data.name, data.bytes],
  ])
}
