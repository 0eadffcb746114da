import { z } from 'zod'
import { defineStep } from '../step.js'

const name = z.string().min(1).describe('Checkpoint name ("init" holds the weights as first built or loaded)')

export const checkpointOptions = z
  .object({ name: name.refine((n) => n !== 'init', 'init is the model as built or loaded: choose another name') })
  .strict()

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
  async run({ slot }, { name }) {
    slot.checkpoints.save(name)
    return `saved "${name}"`
  },
})

export const restoreStep = defineStep({
  name: 'restore',
  description: 'Restore the weights (and masks, and architecture) saved by a checkpoint step, e.g. to compare strategies on the same model',
  options: restoreOptions,
  run: (ctx, options) => ctx.slot.checkpoints.restore(options.name, options.masks),
})
