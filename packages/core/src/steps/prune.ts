import { z } from 'zod'
import { taggedUnion } from '../json-schema.js'
import { addIssues, checkRegistered } from '../registered-name.js'
import type { Registry } from '../registry.js'
import { applyStrategy } from '../sparsity-target.js'
import { defineStep } from '../step.js'
import { layerUnits, unitChanges } from '../units.js'

export interface PruneStepOptions {
  strategy: string
  options: unknown
}

/** `{ strategy: name, ...options }`: the strategy's own schema validates the rest. */
function pruneOptions(registry: Registry): z.ZodType<PruneStepOptions> {
  return z
    .object({ strategy: z.string().default('magnitude').describe('Name of a registered pruning strategy') })
    .catchall(z.unknown())
    .transform((value, ctx) => {
      const { strategy, ...rest } = value
      if (!checkRegistered(registry.strategies, strategy, ctx, ['strategy'])) return z.NEVER
      const parsed = registry.strategies.get(strategy).options.safeParse(rest)
      if (!parsed.success) {
        addIssues(ctx, parsed.error.issues, [])
        return z.NEVER
      }
      return { strategy, options: parsed.data }
    })
}

export const pruneStep = defineStep<PruneStepOptions>({
  name: 'prune',
  description: 'Prune the model with a registered strategy: { strategy: magnitude, sparsity: 0.9, scope: global }',
  options: pruneOptions,
  jsonSchema: (registry) => taggedUnion('strategy', registry.strategies.list().map(({ item }) => item)),
  async run(ctx, { strategy, options }) {
    const before = ctx.model.weights().reduce((n, w) => n + w.size, 0)
    const unitsBefore = layerUnits(ctx.model)
    const pruned = await applyStrategy(ctx, strategy, options)
    const zeros = [...pruned.masks.prunedCounts().values()].reduce((a, b) => a + b, 0)
    const after = pruned.weights().reduce((n, w) => n + w.size, 0)
    const masked = `${zeros.toLocaleString('en-US')} weights masked`
    if (after === before) return `${strategy}: ${masked}`
    const units = unitChanges(unitsBefore, layerUnits(pruned)).flatMap((c) => (c.before !== undefined && c.before !== c.after ? [`${c.name} ${c.before} -> ${c.after}`] : []))
    const params = `${before.toLocaleString('en-US')} -> ${after.toLocaleString('en-US')} params`
    return `${strategy}: ${units.length ? `units ${units.join(', ')}; ` : ''}${params}${zeros ? `; ${masked}` : ''}`
  },
})
