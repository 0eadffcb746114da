import { Checkpoint, PruneError, createRng, defineStep, type RunContext, type Snapshot } from '@prunekit/core'
import { fitModel, pruneToSparsity, recordSnapshot, scheduleJsonSchema, toJson, type JsonSchema } from '@prunekit/core/internal'
import { reinitialize } from '../reinit.js'
import { iterateOptions, rewindCheckpoint, type IterateOptions, type Rewind } from './options.js'

const describeRewind = (rewind: Rewind): string => (typeof rewind === 'string' ? rewind : `epoch ${rewind.epoch}`)

function accuracyOf(snapshot: Snapshot): string {
  const accuracy = snapshot.metrics.accuracy
  return typeof accuracy === 'number' ? accuracy.toFixed(4) : '-'
}

/** Frankle & Carbin's control: the same mask trained from a fresh random initialisation; the model is put back afterwards. */
async function trainControl(ctx: RunContext, options: IterateOptions, round: number, seed: number): Promise<Snapshot> {
  const trained = Checkpoint.capture(ctx.model)
  try {
    await reinitialize(ctx.model, createRng(seed ^ 0x2545f491))
    await fitModel(ctx, options.finetune, { rng: createRng(seed), freshOptimizer: true })
    const { snapshot } = await recordSnapshot(ctx, `${options.label}-${round}-reinit`, options.metrics)
    trained.restore(ctx.model)
    return snapshot
  } finally {
    trained.dispose()
  }
}

export const iterateStep = defineStep<IterateOptions>({
  name: 'iterate',
  description: 'Prune-retrain rounds: prune to each round\'s sparsity, optionally rewind (lottery ticket), train, snapshot <label>-N',
  options: iterateOptions,
  jsonSchema(registry) {
    const json = toJson(iterateOptions(registry))
    const prune = (json.properties as Record<string, JsonSchema>).prune.properties as Record<string, JsonSchema>
    prune.schedule = { ...scheduleJsonSchema(registry), description: prune.schedule.description }
    return json
  },
  async run(ctx, options) {
    const rewindTo = rewindCheckpoint(options.rewind)
    if (rewindTo && !ctx.slot.checkpoints.has(rewindTo)) {
      const epoch = typeof options.rewind === 'object' ? options.rewind.epoch : 0
      throw new PruneError(`rewind: { epoch: ${epoch} } needs the weights after epoch ${epoch}: add checkpoints: [${epoch}] to the train step before iterate.`)
    }
    const rows: string[] = []
    for (let round = 1; round <= options.rounds; round++) {
      // One seed per round: the ticket and its control see the same batches in the same order.
      const seed = ctx.rng.seed()
      const sparsity = options.sparsities[round - 1]
      await pruneToSparsity(ctx, options.target, sparsity)
      if (rewindTo) await ctx.slot.checkpoints.restore(rewindTo, 'current')
      await fitModel(ctx, options.finetune, { rng: createRng(seed), freshOptimizer: rewindTo !== undefined })
      const { snapshot } = await recordSnapshot(ctx, `${options.label}-${round}`, options.metrics)
      const control = options.control === 'reinit' ? await trainControl(ctx, options, round, seed) : undefined
      rows.push(`${(sparsity * 100).toFixed(1)}% ${accuracyOf(snapshot)}${control ? ` (reinit ${accuracyOf(control)})` : ''}`)
    }
    return `${options.rounds} round(s) of ${options.target.strategy}, rewind ${describeRewind(options.rewind)}: ${rows.join(', ')}`
  },
})
