import * as tf from '@tensorflow/tfjs-core'
import { PruneError } from './errors.js'
import { cutsBetween, sliceTensor, type Lineage } from './lineage.js'
import { MaskSet } from './masks.js'
import { PrunableModel, weightKind } from './model.js'
import { modelFromTopology } from './topology.js'

/** What a checkpoint holds, as plain data (weights and masks by key): a run's saved state is made of these. */
export interface CheckpointRecord {
  weights: ReadonlyMap<string, tf.Tensor>
  masks: ReadonlyMap<string, tf.Tensor>
  lineage: Lineage
  /** The Keras topology (`model.toJSON(null, false)`). */
  topology: object
  output: number
}

/** A copy of a model's weights (all of them) and masks, and of its architecture, to restore or rewind to later. */
export class Checkpoint {
  private constructor(
    private readonly weights: Map<string, tf.Tensor>,
    readonly masks: MaskSet,
    private readonly lineage: Lineage,
    private readonly topology: object,
    private readonly output: number,
  ) {}

  static capture(model: PrunableModel): Checkpoint {
    const weights = new Map(model.weights('all').map(({ key, variable }) => [key, tf.keep(tf.clone(variable.read()))] as const))
    return new Checkpoint(weights, model.masks.clone(), model.lineage, model.model.toJSON(null, false) as object, model.output)
  }

  /** A checkpoint holding copies of a record's tensors (the record stays the caller's). */
  static fromRecord(record: CheckpointRecord): Checkpoint {
    const copies = (m: ReadonlyMap<string, tf.Tensor>) => new Map([...m].map(([key, t]) => [key, tf.keep(tf.clone(t))] as const))
    const masks = new MaskSet()
    for (const [key, mask] of copies(record.masks)) masks.set(key, mask)
    return new Checkpoint(copies(record.weights), masks, record.lineage, record.topology, record.output)
  }

  /** A view of what the checkpoint holds (its own tensors: do not dispose them; {@link Checkpoint.fromRecord} copies them). */
  record(): CheckpointRecord {
    const masks = new Map(this.masks.keys().map((key) => [key, this.masks.get(key)!] as const))
    return { weights: this.weights, masks, lineage: this.lineage, topology: this.topology, output: this.output }
  }

  /** Whether the model has exactly the saved weights' shapes, so that the saved weights and masks can be written into it. */
  fits(model: PrunableModel): boolean {
    const weights = model.weights('all')
    return weights.length === this.weights.size && weights.every(({ key, shape }) => this.weights.get(key)?.shape.join() === shape.join())
  }

  /**
   * A new model as saved: the saved architecture (so a model that structured pruning or folding
   * changed since comes back whole), weights, masks and lineage. The current model is not touched.
   */
  async rebuild(): Promise<PrunableModel> {
    const model = await modelFromTopology(this.topology, (layer) => layer.weights.map((v) => tf.clone(this.weights.get(`${layer.name}/${weightKind(v)}`)!)))
    const restored = new PrunableModel(model, { masks: this.masks.clone(), output: this.output, lineage: this.lineage })
    restored.applyMasks()
    return restored
  }

  /** A copy of the saved value of one weight, by key (`dense_1/kernel`); the caller disposes it. */
  copyOf(key: string): tf.Tensor | undefined {
    const saved = this.weights.get(key)
    return saved && tf.clone(saved)
  }

  /**
   * Writes the saved weights back. With `masks: 'saved'` the saved masks come back too; with
   * `'current'` the model keeps its masks and pruned weights stay exactly zero (a lottery-ticket rewind).
   * A model that structured pruning made smaller since the capture gets the saved values of the units it
   * kept (found through its lineage); 'saved' masks need the model's shapes to be the saved ones
   * (see {@link Checkpoint.fits}; {@link Checkpoint.rebuild} brings back the model as saved instead).
   */
  restore(model: PrunableModel, masks: 'saved' | 'current' = 'saved'): void {
    const values = new Map<string, tf.Tensor>()
    const refs = model.weights('all')
    try {
      for (const ref of refs) {
        const saved = this.weights.get(ref.key)
        const cuts = saved && cutsBetween(this.lineage.get(ref.key), model.lineage.get(ref.key), saved.shape)
        const problem = !saved ? 'has no such weight' : !cuts ? 'lacks units the model still has' : cuts.length && masks === 'saved' ? 'was saved before structured pruning made it smaller, so the saved masks do not fit (masks: current rewinds the kept units; rebuild() brings back the model as saved)' : undefined
        if (problem) throw new PruneError(`Cannot restore ${ref.key}: the checkpoint ${problem}. Restore a checkpoint saved from this model or an ancestor of it.`)
        const value = cuts!.length ? sliceTensor(saved!, cuts!, `the checkpoint's ${ref.key}`) : saved!
        if (value.shape.join() !== ref.shape.join()) {
          if (value !== saved) value.dispose()
          throw new PruneError(`Cannot restore ${ref.key}: the checkpoint holds shape [${value.shape.join(', ')}], the model [${ref.shape.join(', ')}].`)
        }
        values.set(ref.key, value)
      }
      // Written only once every weight fits, so a refused restore leaves the model as it was.
      for (const ref of refs) ref.variable.write(values.get(ref.key)!)
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
