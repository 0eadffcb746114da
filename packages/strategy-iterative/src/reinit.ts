import { PrunableModel, PruneError, type Rng } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

type Json = tf.serialization.ConfigDictValue

/** Gives every seeded config in a serialized topology (initializers, dropout) a new seed from `rng`. */
function reseed(node: Json, rng: Rng): void {
  if (Array.isArray(node)) node.forEach((child) => reseed(child, rng))
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'seed') (node as Record<string, Json>)[key] = rng.seed()
      else reseed(value, rng)
    }
  }
}

/**
 * Re-initialises every trainable weight from a fresh seed, drawn from the same initializers the
 * architecture was built with (the model is rebuilt from its own topology with new seeds), then
 * re-applies the masks: the random re-initialisation control of Frankle & Carbin.
 */
export async function reinitialize(model: PrunableModel, rng: Rng): Promise<void> {
  const topology = model.model.toJSON(null, false) as tf.serialization.ConfigDict
  reseed(topology, rng)
  let fresh: tfl.LayersModel
  try {
    fresh = await tfl.models.modelFromJSON({ modelTopology: topology })
  } catch (cause) {
    throw new PruneError(`Cannot re-initialise model "${model.model.name}": its topology could not be rebuilt (${(cause as Error).message})`, { cause })
  }
  try {
    const source = new Map(new PrunableModel(fresh).weights().map((ref) => [ref.key, ref] as const))
    const refs = model.weights()
    for (const ref of refs) {
      const from = source.get(ref.key)
      if (!from || !tf.util.arraysEqual(from.shape, ref.shape)) throw new PruneError(`Cannot re-initialise ${ref.key}: the rebuilt model has no weight of shape [${ref.shape.join(', ')}] under that name.`)
    }
    for (const ref of refs) ref.variable.write(source.get(ref.key)!.variable.read())
  } finally {
    fresh.dispose()
  }
  model.applyMasks()
}
