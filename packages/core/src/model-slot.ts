import type * as tf from '@tensorflow/tfjs-core'
import { Checkpoint } from './checkpoint.js'
import { PruneError } from './errors.js'
import type { PrunableModel } from './model.js'
import { captureOptimizer, carryOptimizer, disposeOptimizerSnapshot, restoreOptimizer, stateLayout, type OptimizerSnapshot, type StateLayout } from './optimizer-state.js'
import { createOptimizer, type OptimizerName } from './optimizers.js'

/** An optimizer the slot keeps in step with its model: read `optimizer` anew after every replace. */
export interface OptimizerLease {
  /** The optimizer for the current model (a replace swaps in one that carries the state on). */
  readonly optimizer: tf.Optimizer
  /** Frees a fresh lease's optimizer; a no-op for the run's shared state. */
  release(): void
}

export interface ReplaceOptions {
  /**
   * Set when the new model computes with weights that no longer mean what the old ones did under the
   * same keys (folding BatchNorm into a kernel, say): what rewrote it, for error messages. Checkpoints
   * saved before can then still bring back the model as saved, but never be written into the new one.
   */
  rewrittenBy?: string
}

/** The checkpoints of a run, as steps and plugins see them: nothing here can dispose what core saved. */
export interface Checkpoints {
  /** Saves the current model's weights, masks and architecture under `name` (replacing an earlier one of that name; not `init`). */
  save(name: string): void
  has(name: string): boolean
  /** Names in the order they were first saved; `init` (the model as built or loaded) comes first. */
  names(): string[]
  /** A copy of one saved weight (`dense_1/kernel`); the caller disposes it. */
  weight(name: string, key: string): tf.Tensor | undefined
  /** A new model as saved (architecture, weights, masks), beside the current one, e.g. a distillation teacher; the caller disposes it. */
  model(name: string): Promise<PrunableModel>
  /**
   * Brings a checkpoint back. `saved`: its weights and masks, and its architecture when the model has
   * changed shape or been rewritten since. `current`: its weights into the current model and masks, the
   * kept units of a smaller model included (a lottery-ticket rewind). Returns a one-line summary.
   */
  restore(name: string, masks?: 'saved' | 'current'): Promise<string>
  /** Frees a checkpoint a step saved; `init` cannot be deleted. */
  delete(name: string): void
}

interface Held {
  optimizer: tf.Optimizer
  layout: StateLayout
  name: OptimizerName
  learningRate: number
  create: () => tf.Optimizer
}

/**
 * Everything a slot holds between two optimizer steps, as copies: the model (weights, masks,
 * architecture, lineage), its checkpoints and its optimizers' state. See {@link ModelSlot.capture}.
 */
export interface SlotState {
  model: Checkpoint
  /** The rewrites (BatchNorm folding ...) the model went through, oldest first. */
  rewrites: string[]
  checkpoints: Array<{ name: string; generation: number; checkpoint: Checkpoint }>
  /** `fresh`: the one-fit optimizer of a fit in progress, handed to the next fresh lease with these settings. */
  optimizers: Array<{ name: OptimizerName; learningRate: number; fresh: boolean; state: OptimizerSnapshot }>
}

export function disposeSlotState(state: SlotState): void {
  state.model.dispose()
  for (const { checkpoint } of state.checkpoints) checkpoint.dispose()
  for (const { state: optimizer } of state.optimizers) disposeOptimizerSnapshot(optimizer)
}

interface Saved {
  checkpoint: Checkpoint
  /** How many rewrites the model had gone through when it was saved. */
  generation: number
}

const reserved = 'init'

/**
 * The one owner of a run's model: the current PrunableModel, the optimizer state for each setting
 * (optimizer and learning rate), and the checkpoints. The model changes only through {@link ModelSlot.replace}.
 */
export class ModelSlot {
  #current: PrunableModel
  #generation = 0
  #rewrites: string[] = []
  #detached = false
  readonly #shared = new Map<string, Held>()
  readonly #fresh = new Set<Held>()
  /** Fresh optimizers restored from a saved state, waiting for the fit that was using them. */
  readonly #pending = new Map<string, Held>()
  readonly #saved = new Map<string, Saved>()
  readonly checkpoints: Checkpoints

  /**
   * Takes ownership of `model` and saves it as the `init` checkpoint. A `borrowed` slot saves no
   * `init`: it serves one fit of a model its caller keeps (see {@link ModelSlot.detach}).
   */
  constructor(model: PrunableModel, options: { borrowed?: boolean } = {}) {
    this.#current = model
    if (!options.borrowed) this.#saved.set(reserved, { checkpoint: Checkpoint.capture(model), generation: 0 })
    this.checkpoints = this.#checkpointsView()
  }

  /** A slot holding copies of a captured state (which stays the caller's), ready to go on from it. */
  static async restore(state: SlotState): Promise<ModelSlot> {
    const model = await state.model.rebuild()
    const slot = new ModelSlot(model, { borrowed: true })
    slot.#generation = state.rewrites.length
    slot.#rewrites = [...state.rewrites]
    for (const { name, generation, checkpoint } of state.checkpoints) slot.#saved.set(name, { checkpoint: Checkpoint.fromRecord(checkpoint.record()), generation })
    for (const saved of state.optimizers) {
      const held = slot.#held(saved.name, saved.learningRate)
      restoreOptimizer(held.optimizer, saved.state, model)
      ;(saved.fresh ? slot.#pending : slot.#shared).set(`${saved.name}:${saved.learningRate}`, held)
    }
    return slot
  }

  /** Copies of everything the slot holds, to bring back later with {@link ModelSlot.restore}; the caller disposes them ({@link disposeSlotState}). */
  capture(): SlotState {
    const optimizers = (fresh: boolean) => (held: Held) => ({ name: held.name, learningRate: held.learningRate, fresh, state: captureOptimizer(held.optimizer) })
    return {
      model: Checkpoint.capture(this.#current),
      rewrites: [...this.#rewrites],
      checkpoints: [...this.#saved].map(([name, { checkpoint, generation }]) => ({ name, generation, checkpoint: Checkpoint.fromRecord(checkpoint.record()) })),
      optimizers: [...[...this.#shared.values()].map(optimizers(false)), ...[...this.#fresh, ...this.#pending.values()].map(optimizers(true))],
    }
  }

  get current(): PrunableModel {
    return this.#current
  }

  /**
   * The one transition: `next` (which brings its own masks and lineage) becomes the current model,
   * every optimizer's state is carried over the units `next` kept (found through the lineages), the
   * old model is disposed, and the checkpoints learn of a rewrite.
   */
  replace(next: PrunableModel, options: ReplaceOptions = {}): void {
    if (next === this.#current) return
    for (const held of [...this.#shared.values(), ...this.#fresh, ...this.#pending.values()]) {
      const carried = carryOptimizer(held.optimizer, held.layout, next, held.create)
      held.optimizer.dispose()
      held.optimizer = carried
      held.layout = stateLayout(next)
    }
    this.#current.dispose()
    this.#current = next
    if (options.rewrittenBy) {
      this.#generation++
      this.#rewrites.push(options.rewrittenBy)
    }
  }

  /**
   * The run's optimizer for these settings: train and finetune steps continue its state, as
   * consecutive Keras fit() calls do. With `fresh`, a new optimizer for one fit, freed by release().
   */
  optimizer(name: OptimizerName, learningRate: number, options: { fresh?: boolean } = {}): OptimizerLease {
    const key = `${name}:${learningRate}`
    let held: Held
    if (options.fresh) {
      held = this.#pending.get(key) ?? this.#held(name, learningRate)
      this.#pending.delete(key)
      this.#fresh.add(held)
    } else {
      held = this.#shared.get(key) ?? this.#held(name, learningRate)
      this.#shared.set(key, held)
    }
    const lease = held
    const fresh = this.#fresh
    return {
      get optimizer() {
        return lease.optimizer
      },
      release() {
        if (!fresh.delete(lease)) return
        lease.optimizer.dispose()
      },
    }
  }

  #held(name: OptimizerName, learningRate: number): Held {
    const create = () => createOptimizer(name, learningRate)
    return { optimizer: create(), layout: stateLayout(this.#current), name, learningRate, create }
  }

  /** Frees the optimizers and checkpoints and hands over the model, which the caller now owns; the slot is empty after. */
  detach(): PrunableModel {
    if (this.#detached) throw new PruneError('This model slot is empty: its model was handed over by detach().')
    this.#detached = true
    for (const held of [...this.#shared.values(), ...this.#fresh, ...this.#pending.values()]) held.optimizer.dispose()
    this.#shared.clear()
    this.#fresh.clear()
    this.#pending.clear()
    for (const { checkpoint } of this.#saved.values()) checkpoint.dispose()
    this.#saved.clear()
    return this.#current
  }

  /** Frees everything, the model included (nothing, once detached). */
  dispose(): void {
    if (!this.#detached) this.detach().dispose()
  }

  #checkpointsView(): Checkpoints {
    const saved = this.#saved
    const lookup = (name: string): Saved => {
      const entry = saved.get(name)
      if (!entry) throw new PruneError(`No checkpoint named "${name}". Saved so far: ${[...saved.keys()].join(', ')}. Add a checkpoint step (or train checkpoints: [k]) before this one.`)
      return entry
    }
    return {
      save: (name) => {
        if (name === reserved) throw new PruneError(`The checkpoint name "${reserved}" is reserved for the model as built or loaded; choose another name.`)
        saved.get(name)?.checkpoint.dispose()
        saved.delete(name)
        saved.set(name, { checkpoint: Checkpoint.capture(this.#current), generation: this.#generation })
      },
      has: (name) => saved.has(name),
      names: () => [...saved.keys()],
      weight: (name, key) => lookup(name).checkpoint.copyOf(key),
      model: (name) => lookup(name).checkpoint.rebuild(),
      restore: async (name, masks = 'saved') => this.#restore(name, lookup(name), masks),
      delete: (name) => {
        if (name === reserved) throw new PruneError(`The "${reserved}" checkpoint belongs to the run and cannot be deleted.`)
        saved.get(name)?.checkpoint.dispose()
        saved.delete(name)
      },
    }
  }

  async #restore(name: string, { checkpoint, generation }: Saved, masks: 'saved' | 'current'): Promise<string> {
    const sameFunction = generation === this.#generation
    if (masks === 'current') {
      if (!sameFunction) {
        throw new PruneError(
          `Cannot rewind to checkpoint "${name}": ${this.#rewrites.slice(generation).join(', ')} rewrote the model's weights since it was saved. ` +
            `Restore it with masks: saved to bring back the model as saved, or save the checkpoint after ${this.#rewrites.at(-1)}.`,
        )
      }
      checkpoint.restore(this.#current, 'current')
      return `restored "${name}"`
    }
    if (sameFunction && checkpoint.fits(this.#current)) {
      checkpoint.restore(this.#current, 'saved')
      return `restored "${name}"`
    }
    // The model changed shape or was rewritten since: bring back the model as it was saved.
    const before = this.#current.model.countParams()
    const restored = await checkpoint.rebuild()
    this.replace(restored)
    this.#generation = generation
    this.#rewrites.length = generation
    return `restored "${name}": the model as saved (${before.toLocaleString('en-US')} -> ${restored.model.countParams().toLocaleString('en-US')} params)`
  }
}
