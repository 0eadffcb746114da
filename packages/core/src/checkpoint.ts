import * as tf from '@tensorflow/tfjs-core'
import { PruneError } from './errors.js'
import type { MaskSet } from './masks.js'
import type { PrunableModel } from './model.js'

/** A copy of a model's trainable weights (and masks), to restore or rewind to later. */
export class Checkpoint {
  private constructor(
    private readonly weights: Map<string, tf.Tensor>,
    readonly masks: MaskSet,
  ) {}

  static capture(model: PrunableModel): Checkpoint {
    const weights = new Map(model.weights().map((ref) => [ref.key, tf.keep(tf.clone(ref.variable.read()))] as const))
    return new Checkpoint(weights, model.masks.clone())
  }

  /** The saved value of one weight, by key (`dense_1/kernel`). */
  get(key: string): tf.Tensor | undefined {
    return this.weights.get(key)
  }

  /**
   * Writes the saved weights back. With `masks: 'saved'` the saved masks come back too; with
   * `'current'` the model keeps its masks and pruned weights stay exactly zero (a lottery-ticket rewind).
   */
  restore(model: PrunableModel, masks: 'saved' | 'current' = 'saved'): void {
    for (const ref of model.weights()) {
      const saved = this.weights.get(ref.key)
      if (!saved || saved.shape.join() !== ref.shape.join()) {
        throw new PruneError(`Cannot restore ${ref.key}: the checkpoint ${saved ? `holds shape [${saved.shape.join(', ')}], the model [${ref.shape.join(', ')}]` : 'has no such weight'}. Was the model rebuilt (structured pruning) after the checkpoint?`)
      }
      ref.variable.write(saved)
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
