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
import type { LayerCurve, SensitivityCurves, SensitivityPoint } from './curves.js'

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

/**
 * Prunes one layer at a time at each level with the strategy, on a copy of the model (the run's model
 * and optimizer state are never touched), and measures the probe: the squared mass it removed, and
 * loss and accuracy on a slice of the data unless data-free. The copy is restored after every probe.
 */
export async function probeSensitivity(model: PrunableModel, data: Dataset, registry: Registry, options: ProbeOptions): Promise<SensitivityCurves> {
  const strategy = registry.strategies.get(options.target.strategy)
  const saved = Checkpoint.capture(model)
  let copy = await saved.rebuild()
  const name = options.mode === 'data' ? splitName(data, options.split, options.samples) : undefined
  const sliced = name ? sliceSplit(data, name) : undefined
  const measure = async (m: PrunableModel) => {
    if (!sliced) return { loss: null, accuracy: null }
    const e = await evaluateModel(m, sliced, data.task)
    return { loss: e.loss, accuracy: Number.isNaN(e.accuracy) ? null : e.accuracy }
  }
  try {
    const baseline = await measure(copy)
    const layers: LayerCurve[] = []
    for (const kernel of probedKernels(copy, options.layers)) {
      const before = squaredMass(copy, kernel.key)
      const points: SensitivityPoint[] = [{ sparsity: 0, massRemoved: 0, ...baseline }]
      for (const level of options.levels) {
        const probeOptions = optionsAtSparsity(registry, { ...options.target, options: { ...options.target.options, include: [kernel.layer] } }, level)
        // A fresh generator per probe: seeded strategies draw the same units whatever ran before.
        const pruned = await strategy.prune(copy, { options: probeOptions }, { rng: createRng(options.seed), data })
        const massRemoved = before > 0 ? Math.max(0, 1 - squaredMass(pruned, kernel.key) / before) : 0
        points.push({ sparsity: level, massRemoved, ...(await measure(pruned)) })
        if (pruned !== copy) pruned.dispose()
        if (saved.fits(copy)) saved.restore(copy, 'saved')
        else {
          copy.dispose()
          copy = await saved.rebuild()
        }
      }
      layers.push({ name: kernel.layer, weights: kernel.weights, points })
    }
    return { strategy: options.target.strategy, mode: options.mode, split: name ?? null, baseline, layers }
  } finally {
    copy.dispose()
    saved.dispose()
    if (sliced) tf.dispose([sliced.x, sliced.y])
  }
}
