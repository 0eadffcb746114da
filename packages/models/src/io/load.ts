import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { ModelError } from '@prunekit/core'

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

/**
 * Loads a TensorFlow.js Layers model: the tfjs-layers `Sequential`/`Model` layout and the Keras
 * converter's (`modelTopology.model_config`) both work. Paths are read with node:fs (Node.js only).
 */
export async function loadModel(source: ModelSource): Promise<tfl.LayersModel> {
  const where = describeSource(source)
  try {
    let handler: tf.io.IOHandler
    if (typeof source !== 'string') handler = isHandler(source) ? source : tf.io.fromMemory(source)
    else if (/^https?:\/\//i.test(source)) handler = tf.io.http(source)
    else {
      const { readModelArtifacts } = await import('#node-files')
      handler = tf.io.fromMemory(await readModelArtifacts(source))
    }
    return await tfl.loadLayersModel(handler)
  } catch (cause) {
    throw explain(cause, where)
  }
}

/** Saves a model to `dir` as model.json + weights.bin (stock tfjs Layers format), all or nothing. Node.js only. */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  const { writeModelArtifacts } = await import('#node-files')
  await model.save(tf.io.withSaveHandler((artifacts) => writeModelArtifacts(dir, artifacts)))
}
