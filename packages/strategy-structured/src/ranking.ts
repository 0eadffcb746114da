import { PruneError, type PrunableModel, type PruneContext, type Rng } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import type { LayersModel } from '@tensorflow/tfjs-layers'
import type { ChannelGroup } from './channel-groups.js'
import { layerWeight } from './weights.js'

/** How units are ranked: the norm of their kernel slice, a seeded draw, or the |gamma| of the BatchNorm that scales them. */
export type UnitCriterion = 'l1' | 'l2' | 'random' | 'bn-scale'

/** Per-unit norms of a kernel whose last axis is the units: the L1 or L2 norm of every other axis. */
async function kernelNorms(model: LayersModel, layer: string, norm: 'l1' | 'l2'): Promise<Float32Array> {
  const norms = tf.tidy(() => {
    const kernel = layerWeight(model, layer, 'kernel').read()
    const columns = tf.reshape(kernel, [-1, kernel.shape.at(-1)!])
    return norm === 'l1' ? tf.sum(tf.abs(columns), 0) : tf.sqrt(tf.sum(tf.square(columns), 0))
  })
  const values = (await norms.data()) as Float32Array
  norms.dispose()
  return values
}

/** Mean |gamma| per unit, over the channels a unit owns in one BatchNormalization. */
async function gammaScales(model: LayersModel, group: ChannelGroup, normalizer: ChannelGroup['normalizers'][number]): Promise<Float64Array> {
  const gamma = (await layerWeight(model, normalizer.layer, 'gamma').read().data()) as Float32Array
  const scores = new Float64Array(group.size)
  for (let unit = 0; unit < group.size; unit++) {
    let sum = 0
    for (let j = 0; j < normalizer.expand; j++) sum += Math.abs(gamma[normalizer.offset + unit * normalizer.expand + j])
    scores[unit] = sum / normalizer.expand
  }
  return scores
}

function meanOf(rows: ArrayLike<number>[], size: number): Float64Array {
  const mean = new Float64Array(size)
  for (const row of rows) for (let i = 0; i < size; i++) mean[i] += row[i] / rows.length
  return mean
}

/**
 * One score per unit of a group, higher survives. A coupled group (channels joined by an Add) averages
 * the scores of all its layers, as DepGraph's group importance does.
 */
export async function scoreUnits(model: LayersModel, group: ChannelGroup, criterion: UnitCriterion, rng: Rng): Promise<Float64Array> {
  if (criterion === 'random') return Float64Array.from({ length: group.size }, () => rng.next())
  if (criterion === 'bn-scale') {
    const rows: Float64Array[] = []
    for (const normalizer of group.normalizers) rows.push(await gammaScales(model, group, normalizer))
    return meanOf(rows, group.size)
  }
  const rows: Float32Array[] = []
  for (const producer of group.producers) rows.push(await kernelNorms(model, producer, criterion))
  return meanOf(rows, group.size)
}

/**
 * One score per unit of each group from a registered score strategy (Torch-Pruning's group importance):
 * the sum of its weight scores over the unit's slice of every producer's kernel. The strategy runs once, on its defaults.
 */
export async function importanceUnits(model: PrunableModel, groups: ChannelGroup[], importance: string, ctx: PruneContext): Promise<Float64Array[]> {
  if (!ctx.registry) throw new PruneError(`Ranking units by importance "${importance}" needs the registry that holds it: run in a pipeline, or pass prune(model, { registry }).`)
  const strategy = ctx.registry.strategies.get(importance)
  if (!strategy.scoreWeights) throw new PruneError(`Strategy "${importance}" gives no per-weight scores, so units cannot be ranked by it: name a score strategy (taylor, snip, wanda, fisher, magnitude).`)
  const refs = model.weights().filter((ref) => ref.kind === 'kernel' && groups.some((g) => g.producers.includes(ref.layerName)))
  const scores = await strategy.scoreWeights(model, refs, ctx, strategy.options.parse({ sparsity: 0 }))
  return groups.map((group) => {
    const units = new Float64Array(group.size)
    refs.forEach((ref, r) => {
      if (!group.producers.includes(ref.layerName)) return
      for (let i = 0; i < scores[r].length; i++) units[i % group.size] += scores[r][i]
    })
    return units
  })
}
