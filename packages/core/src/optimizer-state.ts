import * as tf from '@tensorflow/tfjs-core'
import { cutsBetween, sliceTensor, type Lineage } from './lineage.js'
import type { PrunableModel } from './model.js'

/** What an optimizer's state belongs to: the trainable weights in the order the Trainer passes them, and their lineage. */
export interface StateLayout {
  keys: string[]
  lineage: Lineage
}

export function stateLayout(model: PrunableModel): StateLayout {
  return { keys: model.weights().map((r) => r.key), lineage: model.lineage }
}

export interface Slot {
  originalName: string
  variable: tf.Variable
}

/** The per-weight state of tfjs 4.22's optimizers (internal fields; a test pins them). */
export interface OptimizerInternals {
  accumulatedFirstMoment?: Slot[]
  accumulatedSecondMoment?: Slot[]
  accumulations?: Slot[]
  accBeta1?: tf.Variable
  accBeta2?: tf.Variable
  iterations_?: number
}

/** The per-weight state fields of tfjs's optimizers (Adam's moments, momentum's accumulations). */
export type OptimizerSlotField = 'accumulatedFirstMoment' | 'accumulatedSecondMoment' | 'accumulations'

const slotFields: readonly OptimizerSlotField[] = ['accumulatedFirstMoment', 'accumulatedSecondMoment', 'accumulations']

/**
 * A fresh optimizer from `create`, holding the state `old` kept for a model of layout `from`, for the
 * weights of `to`: each weight's moments follow it through structured surgery (sliced to the units it
 * kept, found through the lineage), and the step count carries on, so Adam's bias correction does not
 * restart. Weights `to` gained or cannot map start from zero state. `old` is left as it is.
 */
export function carryOptimizer(old: tf.Optimizer, from: StateLayout, to: PrunableModel, create: () => tf.Optimizer): tf.Optimizer {
  const fresh = create()
  const [source, target] = [old as unknown as OptimizerInternals, fresh as unknown as OptimizerInternals]
  const refs = to.weights()
  const index = new Map(from.keys.map((key, i) => [key, i]))
  tf.tidy(() => {
    for (const field of slotFields) {
      const slots = source[field]
      if (!slots?.length) continue
      target[field] = refs.map((ref) => {
        const i = index.get(ref.key)
        const saved = i === undefined ? undefined : slots[i]?.variable
        const cuts = saved && cutsBetween(from.lineage.get(ref.key), to.lineage.get(ref.key), saved.shape)
        const value = saved && cuts ? (cuts.length ? sliceTensor(saved, cuts, `the optimizer state of ${ref.key}`) : tf.clone(saved)) : undefined
        const fits = value?.shape.join() === ref.shape.join()
        const suffix = slots[i ?? 0]?.originalName.split('/').pop() ?? 'state'
        return { originalName: `${(ref.variable.read() as tf.Variable).name}/${suffix}`, variable: tf.keep((fits ? value! : tf.zeros(ref.shape)).variable(false)) }
      })
    }
    if (source.accBeta1 && target.accBeta1) target.accBeta1.assign(source.accBeta1)
    if (source.accBeta2 && target.accBeta2) target.accBeta2.assign(source.accBeta2)
  })
  target.iterations_ = source.iterations_
  return fresh
}

/** An optimizer's state as copies, in the order of the model's trainable weights: to save a run and bring it back. */
export interface OptimizerSnapshot {
  /** Per-weight state by field, each with the suffix tfjs names its variables with (`m`, `v`, `momentum`). */
  slots: Array<{ field: OptimizerSlotField; suffix: string; values: tf.Tensor[] }>
  accBeta1?: tf.Tensor
  accBeta2?: tf.Tensor
  iterations?: number
}

/** Copies of everything `optimizer` holds between steps; the caller disposes them (see {@link disposeOptimizerSnapshot}). */
export function captureOptimizer(optimizer: tf.Optimizer): OptimizerSnapshot {
  const source = optimizer as unknown as OptimizerInternals
  const copy = (v: tf.Variable) => tf.keep(tf.clone(v))
  const slots = slotFields.flatMap((field) => {
    const held = source[field]
    if (!held?.length) return []
    return [{ field, suffix: held[0].originalName.split('/').pop() ?? 'state', values: held.map((s) => copy(s.variable)) }]
  })
  return { slots, accBeta1: source.accBeta1 && copy(source.accBeta1), accBeta2: source.accBeta2 && copy(source.accBeta2), iterations: source.iterations_ }
}

/** Writes a captured state into a fresh optimizer for `model` (whose trainable weights it was captured for); the snapshot stays the caller's. */
export function restoreOptimizer(optimizer: tf.Optimizer, snapshot: OptimizerSnapshot, model: PrunableModel): void {
  const target = optimizer as unknown as OptimizerInternals
  const refs = model.weights()
  tf.tidy(() => {
    for (const { field, suffix, values } of snapshot.slots) {
      target[field] = values.map((value, i) => ({
        originalName: `${(refs[i].variable.read() as tf.Variable).name}/${suffix}`,
        variable: tf.keep(tf.clone(value).variable(false)),
      }))
    }
  })
  if (snapshot.accBeta1 && target.accBeta1) target.accBeta1.assign(snapshot.accBeta1)
  if (snapshot.accBeta2 && target.accBeta2) target.accBeta2.assign(snapshot.accBeta2)
  if (snapshot.iterations !== undefined) target.iterations_ = snapshot.iterations
}

export function disposeOptimizerSnapshot(snapshot: OptimizerSnapshot): void {
  tf.dispose([...snapshot.slots.flatMap((s) => s.values), ...[snapshot.accBeta1, snapshot.accBeta2].filter((t) => t !== undefined)])
}
