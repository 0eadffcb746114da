import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { ModelError } from '@prunekit/core'
import { manifestBytes, maxModelJsonBytes, readShards, type LoadOptions } from './load-limits.js'
import { parseModelJson } from './model-json.js'
import { setWeights, withoutLeaks } from './set-weights.js'

/** A model.json path or directory (Node.js), an http(s) URL, in-memory artifacts, or any tfjs IOHandler. */
export type ModelSource = string | tf.io.ModelArtifacts | tf.io.IOHandler

const isHandler = (source: object): source is tf.io.IOHandler => typeof (source as tf.io.IOHandler).load === 'function'

function describeSource(source: ModelSource): string {
  return typeof source === 'string' ? source : isHandler(source) ? 'the given IOHandler' : 'the in-memory model'
}

/** Turns tfjs's deep errors into messages that name the model and say how to fix it. */
function explain(cause: unknown, where: string): ModelError {
  if (cause instanceof ModelError) return cause
  const message = cause instanceof Error ? cause.message : String(cause)
  const unknownLayer = /Unknown layer: (\w+)/.exec(message)
  if (unknownLayer) {
    return new ModelError(
      `${where} uses the layer class "${unknownLayer[1]}", which tfjs-layers does not know. Register it with tf.serialization.registerClass before loading, or replace that layer.`,
      { cause },
    )
  }
  return new ModelError(`Could not load the model from ${where}: ${message.split('\n')[0]}`, { cause })
}

/** A URL's model.json and shards, fetched with the same bounds as files. */
async function fetchArtifacts(url: string, options: LoadOptions): Promise<tf.io.ModelArtifacts> {
  const { fetchModelJson, urlShardReader } = await import('./http-files.js')
  const json = parseModelJson(await fetchModelJson(url, maxModelJsonBytes), url)
  const needs = manifestBytes(json.weightsManifest, url, options.maxBytes)
  const buffers = await readShards(json.weightsManifest, url, needs, urlShardReader(url))
  const { modelTopology, format, generatedBy, convertedBy } = json
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights)
  return { modelTopology, format, generatedBy, convertedBy, weightSpecs, weightData: tf.io.CompositeArrayBuffer.join(buffers) }
}

async function readArtifacts(source: ModelSource, options: LoadOptions): Promise<tf.io.ModelArtifacts> {
  if (typeof source !== 'string') {
    if (!isHandler(source)) return source
    if (!source.load) throw new ModelError(`${describeSource(source)} has no load method. Pass an IOHandler that can load, a path or a URL.`)
    return source.load()
  }
  if (/^https?:\/\//i.test(source)) return fetchArtifacts(source, options)
  const { readModelArtifacts } = await import('#node-files')
  return readModelArtifacts(source, options)
}

/** Weight bytes checked against their specs (shapes, dtypes, exact length, the limit) before any tensor is made. */
function checkWeightData(artifacts: tf.io.ModelArtifacts, where: string, maxBytes?: number): void {
  const specs = artifacts.weightSpecs ?? []
  const [needed] = manifestBytes([{ paths: [], weights: specs }], where, maxBytes)
  const have = artifacts.weightData === undefined ? 0 : tf.io.CompositeArrayBuffer.join(artifacts.weightData).byteLength
  if (have !== needed) throw new ModelError(`${where} holds ${have} bytes of weights, but its weight specs need ${needed}. The weights belong to another model: re-export it.`)
}

/**
 * Loads a TensorFlow.js Layers model: the tfjs-layers `Sequential`/`Model` layout and the Keras
 * converter's (`modelTopology.model_config`) both work. Paths are read with node:fs (Node.js only),
 * URLs with fetch; either way only files beside model.json, each up to the bytes its manifest declares,
 * and no more than `maxBytes` in all. Weights must match the model's shapes and be finite. A failed
 * load leaves no tensor behind.
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<tfl.LayersModel> {
  const where = describeSource(source)
  try {
    const artifacts = await readArtifacts(source, options)
    checkWeightData(artifacts, where, options.maxBytes)
    const { weightData, weightSpecs, ...topology } = artifacts
    const model = await withoutLeaks(() => tfl.loadLayersModel(tf.io.fromMemory(topology)))
    try {
      setWeights(model, weightSpecs ?? [], weightData, where, options.allowNonFinite ?? false)
    } catch (error) {
      model.dispose()
      throw error
    }
    return model
  } catch (cause) {
    throw explain(cause, where)
  }
}

/** Saves a model to `dir` as model.json + weights.bin (stock tfjs Layers format), all or nothing. Node.js only. */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  const { writeModelArtifacts } = await import('#node-files')
  await model.save(tf.io.withSaveHandler((artifacts) => writeModelArtifacts(dir, artifacts)))
}
