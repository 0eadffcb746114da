import { z } from 'zod'
import { Checkpoint } from '../checkpoint.js'
import { PruneError } from '../errors.js'
import { defineStep } from '../step.js'

const name = z.string().min(1).describe('Checkpoint name ("init" holds the weights as first built or loaded)')

export const checkpointOptions = z.object({ name }).strict()

export const restoreOptions = z
  .object({
    name,
    masks: z
      .enum(['saved', 'current'])
      .default('saved')
      .describe('saved: bring back the saved masks too (and the saved architecture, if structured pruning changed it); current: keep the current masks and shapes (rewind)'),
  })
  .strict()

export const checkpointStep = defineStep({
  name: 'checkpoint',
  description: 'Save the current weights and masks under a name, to restore later in the run',
  options: checkpointOptions,
  async run(ctx, options) {
    ctx.checkpoints.get(options.name)?.dispose()
    ctx.checkpoints.set(options.name, Checkpoint.capture(ctx.model))
    return `saved "${options.name}"`
  },
})

export const restoreStep = defineStep({
  name: 'restore',
  description: 'Restore the weights (and masks, and architecture) saved by a checkpoint step, e.g. to compare strategies on the same model',
  options: restoreOptions,
  async run(ctx, options) {
    const checkpoint = ctx.checkpoints.get(options.name)
    if (!checkpoint) {
      throw new PruneError(`No checkpoint named "${options.name}". Saved so far: ${[...ctx.checkpoints.keys()].join(', ') || 'none'}. Add a checkpoint step before this one.`)
    }
    if (options.masks === 'current' || checkpoint.fits(ctx.model)) {
      checkpoint.restore(ctx.model, options.masks)
      return `restored "${options.name}"`
    }
    // The model changed shape since (structured pruning): bring back the model as it was saved.
    const restored = await checkpoint.rebuild()
    const before = ctx.model.model.countParams()
    ctx.model.dispose()
    ctx.model = restored
    return `restored "${options.name}": the model as saved (${before.toLocaleString('en-US')} -> ${restored.model.countParams().toLocaleString('en-US')} params)`
  },
})
