import { z } from 'zod'
import { taggedUnion, toJson, type JsonSchema } from '../json-schema.js'
import { addIssues, checkRegistered } from '../registered-name.js'
import type { Registry } from '../registry.js'
import { describeAllocation, pruneWithAllocation } from '../sensitivity/allocated-prune.js'
import { applyStrategy } from '../sparsity-target.js'
import { defineStep } from '../step.js'
import { layerUnits, unitChanges } from '../units.js'

export interface PruneStepOptions {
  strategy: string
  options: unknown
  /** `allocation: sensitivity`: per-layer sparsities chosen from the latest sensitivity curves to meet this global one. */
  allocation?: { sparsity: number; refine: boolean }
}

const allocationOption = z
  .enum(['sensitivity'])
  .optional()
  .describe('sensitivity: per-layer sparsities from the latest sensitivity step\'s curves that meet the global sparsity with the least predicted loss increase')

const refineOption = z
  .boolean()
  .optional()
  .describe('With allocation: probe each layer again with the others pruned to the first allocation, then allocate again (default true; needs curves measured with data)')

/** `{ strategy: name, ...options }`: the strategy's own schema validates the rest. */
function pruneOptions(registry: Registry): z.ZodType<PruneStepOptions> {
  return z
    .object({ strategy: z.string().default('magnitude').describe('Name of a registered pruning strategy'), allocation: allocationOption, refine: refineOption })
    .catchall(z.unknown())
    .transform((value, ctx) => {
      const { strategy, allocation, refine, ...rest } = value
      if (!checkRegistered(registry.strategies, strategy, ctx, ['strategy'])) return z.NEVER
      const parsed = registry.strategies.get(strategy).options.safeParse(rest)
      if (!parsed.success) {
        addIssues(ctx, parsed.error.issues, [])
        return z.NEVER
      }
      if (!allocation) {
        if (refine !== undefined) ctx.addIssue({ code: 'custom', path: ['refine'], message: 'refine only applies with allocation: sensitivity' })
        return { strategy, options: parsed.data }
      }
      if (typeof rest.sparsity !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['sparsity'], message: 'allocation: sensitivity needs the global target as sparsity (0..1), e.g. sparsity: 0.9' })
        return z.NEVER
      }
      return { strategy, options: rest, allocation: { sparsity: rest.sparsity, refine: refine ?? true } }
    })
}

/** Every strategy's entry also takes `allocation` and `refine`. */
function withAllocation(union: JsonSchema): JsonSchema {
  const extra = { allocation: toJson(allocationOption), refine: toJson(refineOption) }
  return { anyOf: (union.anyOf as JsonSchema[]).map((entry) => ({ ...entry, properties: { ...(entry.properties as JsonSchema), ...extra } })) }
}

export const pruneStep = defineStep<PruneStepOptions>({
  name: 'prune',
  description: 'Prune the model with a registered strategy: { strategy: magnitude, sparsity: 0.9, scope: global }',
  options: pruneOptions,
  jsonSchema: (registry) => withAllocation(taggedUnion('strategy', registry.strategies.list().map(({ item }) => item))),
  async run(ctx, { strategy, options, allocation }) {
    if (allocation) return describeAllocation(await pruneWithAllocation(ctx, strategy, options as Record<string, unknown>, allocation))
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
