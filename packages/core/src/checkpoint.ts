import * as tf from '@tensorflow/tfjs-core'
import { PruneError } from './errors.js'
import { cutsBetween, sliceTensor, type Lineage } from './lineage.js'
import type { MaskSet } from './masks.js'
import type { PrunableModel } from './model.js'

/** A copy of a model's trainable weights (and masks), to restore or rewind to later. */
export class Checkpoint {
  private constructor(
    private readonly weights: Map<string, tf.Tensor>,
    readonly masks: MaskSet,
    private readonly lineage: Lineage,
  ) {}

  static capture(model: PrunableModel): Checkpoint {
    const weights = new Map(model.weights().map((ref) => [ref.key, tf.keep(tf.clone(ref.variable.read()))] as const))
    return new Checkpoint(weights, model.masks.clone(), model.lineage)
  }

  /** The saved value of one weight, by key (`dense_1/kernel`). */
  get(key: string): tf.Tensor | undefined {
    return this.weights.get(key)
  }

  /**
   * Writes the saved weights back. With `masks: 'saved'` the saved masks come back too; with
   * `'current'` the model keeps its masks and pruned weights stay exactly zero (a lottery-ticket rewind).
   * A model that structured pruning made smaller since the capture gets the saved values of the units it
   * kept (found through its lineage); 'saved' masks need the model's shapes to be the saved ones.
   */
  restore(model: PrunableModel, masks: 'saved' | 'current' = 'saved'): void {
    const values = new Map<string, tf.Tensor>()
    try {
      for (const ref of model.weights()) {
        const saved = this.weights.get(ref.key)
        const cuts = saved && cutsBetween(this.lineage.get(ref.key), model.lineage.get(ref.key), saved.shape)
        const problem = !saved ? 'has no such weight' : !cuts ? 'lacks units the model still has' : cuts.length && masks === 'saved' ? 'was saved before structured pruning made it smaller, so the saved masks do not fit (masks: current rewinds the kept units)' : undefined
        if (problem) throw new PruneError(`Cannot restore ${ref.key}: the checkpoint ${problem}. Restore a checkpoint saved from this model or an ancestor of it.`)
        const value = cuts!.length ? sliceTensor(saved!, cuts!, `the checkpoint's ${ref.key}`) : saved!
        if (value.shape.join() !== ref.shape.join()) {
          if (value !== saved) value.dispose()
          throw new PruneError(`Cannot restore ${ref.key}: the checkpoint holds shape [${value.shape.join(', ')}], the model [${ref.shape.join(', ')}].`)
        }
        values.set(ref.key, value)
      }
      // Written only once every weight fits, so a refused restore leaves the model as it was.
      for (const ref of model.weights()) ref.variable.write(values.get(ref.key)!)
    } finally {
      for (const [key, value] of values) if (value !== this.weights.get(key)) value.dispose()
    }
    if (masks === 'saved') {
      for (const key of model.masks.keys()) if (!this.masks.has(key)) model.masks.delete(key)
      for (const key of this.masks.keys()) model.masks.set(key, tf.clone(this.masks.get(key)!))
    }
    model.applyMasks()
  }

  dispose(): void {
    tf.dispose([...this.weights.values()])
    this.masks.dispose()
  }
}
