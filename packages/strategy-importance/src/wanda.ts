import { scoreStrategy, type PrunableModel, type PruningStrategy, type SelectionOptions, type WeightRef } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import { model as functionalModel, type SymbolicTensor } from '@tensorflow/tfjs-layers'
import { z } from 'zod'
import { leadingBatches, readAll, requireData } from './data.js'

/** wanda's own options, besides core's selection. */
export const wandaOptions = {
  samples: z.number().int().positive().default(128).describe('Samples of the training split (its first rows) run forward to measure each layer\'s input norms: about 128 (Sun et al.)'),
  perOutput: z.boolean().default(true).describe('Compare weights within each output (unit), as Wanda does: every output keeps the same share; false compares them across the layer or globally'),
}

/** wanda's validated options. */
export type WandaOptions = SelectionOptions & z.output<z.ZodObject<typeof wandaOptions>>

/** ‖x_c‖₂ of each input channel (the last axis) of every layer that owns a ref, over all samples and positions. */
async function inputNorms(model: PrunableModel, refs: WeightRef[], x: tf.Tensor[]): Promise<Map<string, tf.Tensor>> {
  const layers = [...new Set(refs.map((ref) => ref.layerName))]
  const taps = functionalModel({ inputs: model.model.inputs, outputs: layers.map((name) => model.model.getLayer(name).input as SymbolicTensor) })
  const sums = layers.map(() => undefined as tf.Tensor | undefined)
  for (const batch of x) {
    const next = tf.tidy(() => {
      const inputs = [taps.predict(batch)].flat() as tf.Tensor[]
      return inputs.map((input, i) => {
        const squares = tf.sum(tf.square(input), [...input.shape.keys()].slice(0, -1))
        return sums[i] ? tf.add(sums[i]!, squares) : squares
      })
    })
    tf.dispose(sums.filter((s): s is tf.Tensor => s !== undefined))
    next.forEach((s, i) => (sums[i] = s))
  }
  const norms = tf.tidy(() => sums.map((s) => tf.sqrt(s!)))
  tf.dispose(sums as tf.Tensor[])
  return new Map(layers.map((name, i) => [name, norms[i]]))
}

/** Ranks within each output (the kernel's last axis), scaled to (0, 1]: every output loses the same share at a given cut. */
export function ranksWithinOutputs(scores: Float32Array, outputs: number): Float32Array {
  const rows = scores.length / outputs
  const ranked = new Float32Array(scores.length)
  const order = Array.from({ length: rows }, (_, i) => i)
  for (let o = 0; o < outputs; o++) {
    const at = (i: number) => scores[i * outputs + o]
    order.sort((a, b) => at(a) - at(b) || a - b)
    order.forEach((row, rank) => (ranked[row * outputs + o] = (rank + 1) / rows))
    order.sort((a, b) => a - b)
  }
  return ranked
}

/** Wanda (Sun et al. 2023): |w| · ‖x_in‖₂ over `samples` forward passes, compared within each output. */
export const wanda: PruningStrategy<WandaOptions> = scoreStrategy({
  name: 'wanda',
  description: 'Importance: |w| · ‖x_in‖₂, the weight times the norm of the input it reads over `samples` training samples, ranked within each output (Wanda, Sun et al. 2023)',
  options: wandaOptions,
  async scoreAll(model, refs, ctx, options) {
    const data = requireData(ctx, 'wanda')
    const batches = leadingBatches(data, options.samples, 64)
    const count = batches.reduce((n, [x]) => n + x.shape[0], 0)
    let norms: Map<string, tf.Tensor> | undefined
    try {
      norms = await inputNorms(model, refs, batches.map(([x]) => x))
      const scores = tf.tidy(() =>
        refs.map((ref) => {
          const w = tf.abs(ref.variable.read())
          // A bias reads a constant 1 in every sample; a kernel's input channels sit on its second-to-last axis.
          if (ref.shape.length < 2) return tf.mul(w, Math.sqrt(count))
          const norm = norms!.get(ref.layerName)!
          return tf.mul(w, tf.reshape(norm, [...ref.shape.slice(0, -2).map(() => 1), norm.size, 1]))
        }),
      )
      return await readAll(scores)
    } finally {
      tf.dispose([...batches.flat(), ...(norms?.values() ?? [])])
    }
  },
  compare: (scores, ref, options) => (options.perOutput && ref.shape.length >= 2 ? ranksWithinOutputs(scores, ref.shape.at(-1)!) : scores),
})
