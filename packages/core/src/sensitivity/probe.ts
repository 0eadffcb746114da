import * as tf from '@tensorflow/tfjs-core'
import { Checkpoint } from '../checkpoint.js'
import type { Dataset, Split } from '../data.js'
import { DataError, PruneError } from '../errors.js'
import { evaluateModel } from '../evaluate.js'
import type { PrunableModel, WeightRef } from '../model.js'
import type { Registry } from '../registry.js'
import { createRng } from '../rng.js'
import { matchesSelector, type LayerSelector } from '../selectors.js'
import { optionsAtSparsity, type SparsityTarget } from '../sparsity-target.js'
import type { PruneGroup } from '../strategy.js'
import type { LayerCurve, SensitivityCurves, SensitivityPoint, SkippedLayer } from './curves.js'
import { measureResources, type Resources } from './resources.js'

export type ProbeSplit = 'validation' | 'train' | 'test'

export interface ProbeOptions {
  target: SparsityTarget
  levels: number[]
  mode: 'data' | 'data-free'
  /** Default: validation when the dataset holds it out, else the last rows of train. */
  split?: ProbeSplit
  samples: number
  /** Layers to probe (default: every layer with a kernel). */
  layers?: LayerSelector[]
  seed: number
}

/**
 * The rows probes are evaluated on, by name: the first `samples` of validation (the default when the
 * dataset holds one out), the last of train (the held-back end; the default otherwise), or the first of test.
 */
export function splitName(data: Dataset, which: ProbeSplit | undefined, samples: number): string {
  const split = which ?? (data.validation ? 'validation' : 'train')
  const rows = data[split]
  if (!rows) throw new DataError(`sensitivity: split: validation, but dataset "${data.name}" holds out none. Give the dataset a validation size (data.validation: 2000) or leave split out.`)
  const size = Math.min(samples, rows.size)
  const begin = split === 'train' ? rows.size - size : 0
  return `${split}[${begin}:${begin + size}]`
}

/** The rows a split name such as `validation[0:2000]` stands for; the caller disposes them. */
export function sliceSplit(data: Dataset, name: string): Split {
  const match = /^(train|test|validation)\[(\d+):(\d+)\]$/.exec(name)
  const whole = match ? data[match[1] as ProbeSplit] : undefined
  const [begin, end] = match ? [Number(match[2]), Number(match[3])] : [0, 0]
  if (!whole || end > whole.size || begin >= end) throw new PruneError(`The sensitivity curves were measured on ${name}, which this run's data does not have. Run the sensitivity step in the same run as the prune step.`)
  const cut = (t: tf.Tensor) => tf.slice(t, [begin], [end - begin])
  return { x: cut(whole.x), y: cut(whole.y), size: end - begin }
}

function squaredMass(model: PrunableModel, keys: readonly string[]): number {
  const refs = model.weights().filter((r) => keys.includes(r.key))
  return tf.tidy(() => refs.reduce((sum, ref) => sum + tf.sum(tf.square(ref.variable.read())).dataSync()[0], 0))
}

/** One curve to measure: a layer, or a group of layers the strategy prunes together. */
interface ProbeTarget {
  name: string
  layers: string[]
  /** Their kernels' weight keys. */
  keys: string[]
  weights: number
}

/** Each layer's kernel (its first weight of rank 2 or more). */
function kernelsByLayer(model: PrunableModel): Map<string, WeightRef> {
  const kernels = new Map<string, WeightRef>()
  for (const ref of model.weights()) if (ref.shape.length >= 2 && !kernels.has(ref.layerName)) kernels.set(ref.layerName, ref)
  return kernels
}

/**
 * What to probe: the strategy's groups when it has them (structured strategies: layers coupled through an
 * Add are one group), else every layer with a kernel; filtered by the selectors. Refused groups come back apart.
 */
function probeTargets(model: PrunableModel, registry: Registry, options: ProbeOptions): { targets: ProbeTarget[]; refused: SkippedLayer[] } {
  const kernels = kernelsByLayer(model)
  const strategy = registry.strategies.get(options.target.strategy)
  const groups: PruneGroup[] = strategy.groups?.(model, optionsAtSparsity(registry, options.target, options.levels[0])) ?? [...kernels.keys()].map((layer) => ({ layers: [layer] }))
  const selected = (layers: string[]) => !options.layers || layers.some((l) => kernels.has(l) && options.layers!.some((s) => matchesSelector(s, kernels.get(l)!)))
  const targets: ProbeTarget[] = []
  const refused: SkippedLayer[] = []
  for (const group of groups) {
    const layers = group.layers.filter((l) => kernels.has(l))
    if (!layers.length || !selected(layers)) continue
    const name = layers.join(' + ')
    if (group.refused) refused.push({ name, reason: group.refused })
    else targets.push({ name, layers, keys: layers.map((l) => kernels.get(l)!.key), weights: layers.reduce((n, l) => n + kernels.get(l)!.size, 0) })
  }
  return { targets, refused }
}

/** What one probe measured: loss and accuracy (null without data) and the squared mass it removed from one weight. */
export interface Measurement extends Resources {
  loss: number | null
  accuracy: number | null
  massRemoved: number
}

/** Prunes the copy with these validated strategy options (none: measure it as it is) and measures the mass removed from `keys`. */
export type Prober = (options: unknown, keys?: readonly string[]) => Promise<Measurement>

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
    const resources = await measureResources(m, data, registry)
    if (!sliced) return { loss: null, accuracy: null, ...resources }
    const e = await evaluateModel(m, sliced, data.task)
    return { loss: e.loss, accuracy: Number.isNaN(e.accuracy) ? null : e.accuracy, ...resources }
  }
  const probe: Prober = async (options, keys) => {
    copy ??= await saved.rebuild()
    if (options === undefined) return { massRemoved: 0, ...(await measure(copy)) }
    const before = keys ? squaredMass(copy, keys) : 0
    // A fresh generator per probe: seeded strategies draw the same units whatever ran before.
    const pruned = await prune.prune(copy, { options }, { rng: createRng(seed), data, registry })
    const massRemoved = before > 0 ? Math.max(0, 1 - squaredMass(pruned, keys!) / before) : 0
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

/** Prunes one layer (or dependency group) at a time at each level with the strategy, and measures each probe (see {@link withProber}). */
export async function probeSensitivity(model: PrunableModel, data: Dataset, registry: Registry, options: ProbeOptions): Promise<SensitivityCurves> {
  const split = options.mode === 'data' ? splitName(data, options.split, options.samples) : undefined
  const { targets, refused } = probeTargets(model, registry, options)
  return withProber(model, data, registry, options.target.strategy, split, options.seed, async (probe) => {
    const { massRemoved: _, ...baseline } = await probe(undefined)
    const layers: LayerCurve[] = []
    const skipped = [...refused]
    for (const target of targets) {
      const points: SensitivityPoint[] = [{ sparsity: 0, massRemoved: 0, ...baseline }]
      try {
        for (const level of options.levels) {
          const probeOptions = optionsAtSparsity(registry, { ...options.target, options: { ...options.target.options, include: target.layers } }, level)
          points.push({ sparsity: level, ...(await probe(probeOptions, target.keys)) })
        }
      } catch (error) {
        // A layer the strategy refuses (a structured strategy never prunes the output layer) is left out, with its reason.
        if (!(error instanceof PruneError) || points.length > 1) throw error
        skipped.push({ name: target.name, reason: error.message })
        continue
      }
      layers.push({ name: target.name, ...(target.layers.length > 1 ? { layers: target.layers } : {}), weights: target.weights, points })
    }
    if (!layers.length) throw new PruneError(`sensitivity: strategy "${options.target.strategy}" pruned none of the layers probed: ${skipped.map((l) => `${l.name}: ${l.reason}`).join('; ')}`)
    return { strategy: options.target.strategy, mode: options.mode, split: split ?? null, baseline, layers, skipped }
  })
}
