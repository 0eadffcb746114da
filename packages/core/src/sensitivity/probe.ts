import * as tf from '@tensorflow/tfjs-core'
import { Checkpoint } from '../checkpoint.js'
import type { Dataset, Split } from '../data.js'
import { PruneError } from '../errors.js'
import { evaluateModel } from '../evaluate.js'
import type { PrunableModel } from '../model.js'
import type { Registry } from '../registry.js'
import { createRng } from '../rng.js'
import { matchesSelector, type LayerSelector } from '../selectors.js'
import { optionsAtSparsity, type SparsityTarget } from '../sparsity-target.js'
import type { LayerCurve, SensitivityCurves, SensitivityPoint, SkippedLayer } from './curves.js'

export interface ProbeOptions {
  target: SparsityTarget
  levels: number[]
  mode: 'data' | 'data-free'
  split: 'train' | 'test'
  samples: number
  /** Layers to probe (default: every layer with a kernel). */
  layers?: LayerSelector[]
  seed: number
}

/** The rows probes are evaluated on, by name: the last `samples` of train (the held-back end), the first of test. */
export function splitName(data: Dataset, which: 'train' | 'test', samples: number): string {
  const size = Math.min(samples, data[which].size)
  const begin = which === 'train' ? data[which].size - size : 0
  return `${which}[${begin}:${begin + size}]`
}

/** The rows a split name such as `train[6000:8000]` stands for; the caller disposes them. */
export function sliceSplit(data: Dataset, name: string): Split {
  const match = /^(train|test)\[(\d+):(\d+)\]$/.exec(name)
  const whole = match ? data[match[1] as 'train' | 'test'] : undefined
  const [begin, end] = match ? [Number(match[2]), Number(match[3])] : [0, 0]
  if (!whole || end > whole.size || begin >= end) throw new PruneError(`The sensitivity curves were measured on ${name}, which this run's data does not have. Run the sensitivity step in the same run as the prune step.`)
  const cut = (t: tf.Tensor) => tf.slice(t, [begin], [end - begin])
  return { x: cut(whole.x), y: cut(whole.y), size: end - begin }
}

function squaredMass(model: PrunableModel, key: string): number {
  const ref = model.weights().find((r) => r.key === key)
  if (!ref) return 0
  return tf.tidy(() => tf.sum(tf.square(ref.variable.read())).dataSync()[0])
}

/** Each layer's kernel (its first weight of rank 2 or more), filtered by the selectors. */
function probedKernels(model: PrunableModel, layers?: LayerSelector[]): Array<{ layer: string; key: string; weights: number }> {
  const seen = new Set<string>()
  return model.weights().flatMap((ref) => {
    if (ref.shape.length < 2 || seen.has(ref.layerName)) return []
    seen.add(ref.layerName)
    if (layers && !layers.some((s) => matchesSelector(s, ref))) return []
    return [{ layer: ref.layerName, key: ref.key, weights: ref.size }]
  })
}

/** What one probe measured: loss and accuracy (null without data) and the squared mass it removed from one weight. */
export interface Measurement {
  loss: number | null
  accuracy: number | null
  massRemoved: number
}

/** Prunes the copy with these validated strategy options (none: measure it as it is) and measures `key`'s mass removed. */
export type Prober = (options: unknown, key?: string) => Promise<Measurement>

/**
 * Runs `body` with a prober over a copy of the model (the run's model and optimizer state are never
 * touched): each probe prunes the copy, measures it on the named rows (none: data-free), and restores it.
 */
export async function withProber<T>(model: PrunableModel, data: Dataset, registry: Registry, strategy: string, split: string | undefined, seed: number, body: (probe: Prober) => Promise<T>): Promise<T> {
  const prune = registry.strategies.get(strategy)
  const saved = Checkpoint.capture(model)
  const sliced = split ? sliceSplit(data, split) : undefined
  let copy: PrunableModel | undefined
  const measure = async (m: PrunableModel) => {
    if (!sliced) return { loss: null, accuracy: null }
    const e = await evaluateModel(m, sliced, data.task)
    return { loss: e.loss, accuracy: Number.isNaN(e.accuracy) ? null : e.accuracy }
  }
  const probe: Prober = async (options, key) => {
    copy ??= await saved.rebuild()
    if (options === undefined) return { massRemoved: 0, ...(await measure(copy)) }
    const before = key ? squaredMass(copy, key) : 0
    // A fresh generator per probe: seeded strategies draw the same units whatever ran before.
    const pruned = await prune.prune(copy, { options }, { rng: createRng(seed), data })
    const massRemoved = before > 0 ? Math.max(0, 1 - squaredMass(pruned, key!) / before) : 0
    const measured = await measure(pruned)
    if (pruned !== copy) pruned.dispose()
    if (saved.fits(copy)) saved.restore(copy, 'saved')
    else {
      copy.dispose()
      copy = undefined
    }
    return { massRemoved, ...measured }
  }
  try {
    return await body(probe)
  } finally {
    copy?.dispose()
    saved.dispose()
    if (sliced) tf.dispose([sliced.x, sliced.y])
  }
}

/** Prunes one layer at a time at each level with the strategy, and measures each probe (see {@link withProber}). */
export async function probeSensitivity(model: PrunableModel, data: Dataset, registry: Registry, options: ProbeOptions): Promise<SensitivityCurves> {
  const split = options.mode === 'data' ? splitName(data, options.split, options.samples) : undefined
  return withProber(model, data, registry, options.target.strategy, split, options.seed, async (probe) => {
    const { massRemoved: _, ...baseline } = await probe(undefined)
    const layers: LayerCurve[] = []
    const skipped: SkippedLayer[] = []
    for (const kernel of probedKernels(model, options.layers)) {
      const points: SensitivityPoint[] = [{ sparsity: 0, massRemoved: 0, ...baseline }]
      try {
        for (const level of options.levels) {
          const probeOptions = optionsAtSparsity(registry, { ...options.target, options: { ...options.target.options, include: [kernel.layer] } }, level)
          points.push({ sparsity: level, ...(await probe(probeOptions, kernel.key)) })
        }
      } catch (error) {
        // A layer the strategy refuses (a structured strategy never prunes the output layer) is left out, with its reason.
        if (!(error instanceof PruneError) || points.length > 1) throw error
        skipped.push({ name: kernel.layer, reason: error.message })
        continue
      }
      layers.push({ name: kernel.layer, weights: kernel.weights, points })
    }
    if (!layers.length) throw new PruneError(`sensitivity: strategy "${options.target.strategy}" pruned none of the layers probed: ${skipped.map((l) => `${l.name}: ${l.reason}`).join('; ')}`)
    return { strategy: options.target.strategy, mode: options.mode, split: split ?? null, baseline, layers, skipped }
  })
}
