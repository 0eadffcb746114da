import * as tf from '@tensorflow/tfjs-core'
import { ModelError } from '@prunekit/core'
import { writeDirAtomic } from '@prunekit/core/node'
import { stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { expandSparse, sparseFormat, type SparseModelJson } from '@prunekit/sparse-loader'
import { defaultMaxBytes, manifestBytes, maxModelJsonBytes, readShards, type LoadOptions, type ShardReader } from './load-limits.js'
import { exportFiles, parseModelJson, type ExportFormat } from './model-json.js'
import { insideDir, readRegular } from './safe-files.js'

/** A directory holding model.json, or the path of a model.json itself. */
export async function modelJsonPath(path: string): Promise<string> {
  const full = resolve(path)
  const info = await stat(full).catch(() => undefined)
  if (!info) throw new ModelError(`No model at ${path}: the file or directory does not exist. Give a directory with model.json, or the model.json path.`)
  return info.isDirectory() ? join(full, 'model.json') : full
}

/** model.json, read only if it is a regular file no larger than maxModelJsonBytes, then parsed. */
async function readJson(file: string): Promise<unknown> {
  const { bytes, size } = await readRegular(file, maxModelJsonBytes, 'The model file')
  if (size > maxModelJsonBytes) throw new ModelError(`${file} is ${size} bytes; a model.json holds no weights and is at most ${maxModelJsonBytes}. Check that it is the model's model.json.`)
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch (cause) {
    throw new ModelError(`${file} is not valid JSON: ${(cause as Error).message}.`, { cause })
  }
}

/** Reads a file model.json names: inside its directory, regular, at most `limit` bytes. */
function shardReader(file: string): ShardReader {
  return async (path, limit) => readRegular(await insideDir(dirname(file), path, file), limit, `${file} lists the weight shard ${path}, but`)
}

/** A sparse export (its data file beside model.json), expanded into stock artifacts. */
async function readSparse(json: SparseModelJson, file: string, maxBytes: number): Promise<tf.io.ModelArtifacts> {
  const { bytes, size } = await shardReader(file)(String(json.data), maxBytes)
  const dataFile = join(dirname(file), String(json.data))
  if (size > maxBytes) throw new ModelError(`${dataFile} is ${size} bytes, more than the limit of ${maxBytes}. If the model really is that large, raise maxBytes (in a config: model: { path, maxBytes }).`)
  try {
    return expandSparse(json, bytes, file, dataFile)
  } catch (cause) {
    throw new ModelError((cause as Error).message, { cause })
  }
}

/**
 * Reads model.json and its shards into tfjs ModelArtifacts: only regular files inside the model's
 * directory, each shard read up to exactly the bytes the manifest declares, the total held to maxBytes.
 */
export async function readModelArtifacts(path: string, options: LoadOptions = {}): Promise<tf.io.ModelArtifacts> {
  const file = await modelJsonPath(path)
  const raw = await readJson(file)
  const maxBytes = options.maxBytes ?? defaultMaxBytes
  if ((raw as { format?: unknown })?.format === sparseFormat) return readSparse(raw as SparseModelJson, file, maxBytes)
  const json = parseModelJson(raw, file)
  const needs = manifestBytes(json.weightsManifest, file, maxBytes)
  const buffers = await readShards(json.weightsManifest, file, needs, shardReader(file))
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: tf.io.CompositeArrayBuffer.join(buffers),
  }
}

/** Files a model directory holds: model.json and weight data (weights.bin, weights.sparse.bin, group1-shard1of2 ...). */
const isModelFile = (name: string): boolean => name === 'model.json' || /\.bin$/.test(name) || /^group\d+-shard\d+of\d+(\.bin)?$/.test(name)

/**
 * Writes artifacts as model.json + its data file in `dir` (stock: weights.bin), all or nothing: a new
 * directory moved into place in one rename, replacing a directory that holds only model files.
 */
export async function writeModelArtifacts(dir: string, artifacts: tf.io.ModelArtifacts, format: ExportFormat = 'layers'): Promise<tf.io.SaveResult> {
  const { modelJson, data } = exportFiles(artifacts, format)
  await writeDirAtomic(dir, [
    [data.name, data.bytes],
    ['model.json', modelJson],
  ], isModelFile)
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.bytes.byteLength } }
}
