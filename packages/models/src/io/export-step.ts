import { defineStep } from '@prunekit/core'
import { z } from 'zod'
import { saveModel } from './load.js'

export const exportOptions = z
  .object({
    dir: z.string().default('model').describe('Directory to write, relative to the run\'s out directory'),
  })
  .strict()

/** Saves the current model in the stock tfjs Layers format, pruned weights folded in as zeros. */
export const exportStep = defineStep({
  name: 'export',
  description: 'Save the model as model.json + weights.bin (stock tfjs Layers format, loadable by tf.loadLayersModel)',
  options: exportOptions,
  async run(ctx, options) {
    const dir = options.dir.startsWith('/') ? options.dir : `${ctx.config.out.replace(/\/+$/, '')}/${options.dir}`
    ctx.model.applyMasks()
    await saveModel(ctx.model.model, dir)
    return `wrote ${dir}/model.json`
  },
})
