import { PluginError, type Dataset, type PruneContext } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'

export const pluginName = '@prunekit/strategy-importance'

/** The run's data, or an error that says where to give it. */
export function requireData(ctx: PruneContext, strategy: string): Dataset {
  if (ctx.data) return ctx.data
  throw new PluginError(
    pluginName,
    `${strategy} scores weights by what they do to the loss, so it needs data: run it in a pipeline with a data: section, or call prune(model, { strategy: '${strategy}', data }).`,
  )
}

/** The first `count` rows of the training split, as batches of `batchSize` rows [x, y]; the caller disposes them. */
export function leadingBatches(data: Dataset, count: number, batchSize: number): Array<[tf.Tensor, tf.Tensor]> {
  const rows = Math.min(count, data.train.size)
  const batches: Array<[tf.Tensor, tf.Tensor]> = []
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start)
    batches.push([tf.slice(data.train.x, start, n), tf.slice(data.train.y, start, n)])
  }
  return batches
}

/** Reads tensors to the host and disposes them. */
export async function readAll(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  const values = await Promise.all(tensors.map(async (t) => new Float32Array(await t.data())))
  tf.dispose(tensors)
  return values
}
