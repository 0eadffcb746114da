import * as tf from '@tensorflow/tfjs-core'
import { ModelError } from '@prunekit/core'
import { writeFilesAtomic } from '@prunekit/core/node'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { expandSparse, sparseFormat, type SparseModelJson } from '@prunekit/sparse-loader'
import { exportFiles, parseModelJson, weightBytes, type ExportFormat } from './model-json.js'

/** A directory holding model.json, or the path of a model.json itself. */
export async function modelJsonPath(path: string): Promise<string> {
  const full = resolve(path)
  const info = await stat(full).catch(() => undefined)
  if (!info) throw new ModelError(`No model at ${path}: the file or directory does not exist. Give a directory with model.json, or the model.json path.`)
  return info.isDirectory() ? join(full, 'model.json') : full
}

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw new ModelError(`Cannot read ${file}: ${cause.code === 'ENOENT' ? 'file not found' : cause.message}.`, { cause })
  })
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ModelError(`${file} is not valid JSON: ${(cause as Error).message}.`, { cause })
  }
}

async function readShard(file: string, modelFile: string): Promise<ArrayBuffer> {
  const data = await readFile(file).catch((cause: NodeJS.ErrnoException) => {
    throw new ModelError(`${modelFile} lists the weight shard ${basename(file)}, but ${file} ${cause.code === 'ENOENT' ? 'does not exist' : `cannot be read (${cause.message})`}.`, { cause })
  })
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer
}

/** A sparse export (its data file beside model.json), expanded into stock artifacts. */
async function readSparse(json: SparseModelJson, file: string): Promise<tf.io.ModelArtifacts> {
  const dataFile = join(dirname(file), String(json.data))
  const data = new Uint8Array(await readShard(dataFile, file))
  try {
    return expandSparse(json, data, file, dataFile)
  } catch (cause) {
    throw new ModelError((cause as Error).message, { cause })
  }
}

/** Reads model.json and its shards into tfjs ModelArtifacts, checking every shard against the manifest. */
export async function readModelArtifacts(path: string): Promise<tf.io.ModelArtifacts> {
  const file = await modelJsonPath(path)
  const raw = await readJson(file)
  if ((raw as { format?: unknown })?.format === sparseFormat) return readSparse(raw as SparseModelJson, file)
  const json = parseModelJson(raw, file)
  const buffers: ArrayBuffer[] = []
  const specs: tf.io.WeightsManifestEntry[] = []
  for (const group of json.weightsManifest) {
    const needed = group.weights.reduce((n, w) => n + weightBytes(w), 0)
    const shards = await Promise.all(group.paths.map((p) => readShard(join(dirname(file), p), file)))
    const have = shards.reduce((n, s) => n + s.byteLength, 0)
    if (have < needed) {
      throw new ModelError(`Weight shards ${group.paths.join(', ')} next to ${file} hold ${have} bytes, but its weightsManifest needs ${needed}. A shard is truncated or belongs to another model.`)
    }
    buffers.push(...shards)
    specs.push(...group.weights)
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData: tf.io.CompositeArrayBuffer.join(buffers),
  }
}

/** Writes artifacts as model.json + its data file in `dir` (stock: weights.bin), all or nothing. */
export async function writeModelArtifacts(dir: string, artifacts: tf.io.ModelArtifacts, format: ExportFormat = 'layers'): Promise<tf.io.SaveResult> {
  const { modelJson, data } = exportFiles(artifacts, format)
  await writeFilesAtomic([
    [join(dir, data.name), data.bytes],
    [join(dir, 'model.json'), modelJson],
  ])
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: data.bytes.byteLength } }
}
