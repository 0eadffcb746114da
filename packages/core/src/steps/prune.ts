import { z } from 'zod'
import { taggedUnion, toJson, type JsonSchema } from '../json-schema.js'
import { addIssues, checkRegistered } from '../registered-name.js'
import type { Registry } from '../registry.js'
import { describeAllocation, pruneWithAllocation, type AllocationTarget } from '../sensitivity/allocated-prune.js'
import { resourceSources, type BudgetResource } from '../sensitivity/resources.js'
import { applyStrategy } from '../sparsity-target.js'
import { defineStep } from '../step.js'
import { layerUnits, unitChanges } from '../units.js'

export interface PruneStepOptions {
  strategy: string
  options: unknown
  /** `allocation: sensitivity`: per-layer sparsities chosen from the latest sensitivity curves to meet a global sparsity, or a byte or MAC budget. */
  allocation?: AllocationTarget
}

const allocationOption = z
  .enum(['sensitivity'])
  .optional()
  .describe('sensitivity: per-layer sparsities from the latest sensitivity step\'s curves that meet the global sparsity (or the bytes or macs budget) with the least predicted loss increase')

const refineOption = z
  .boolean()
  .optional()
  .describe('With allocation: probe each layer again with the others pruned to the first allocation, then allocate again (default true; needs curves measured with data)')

const budgetOption = (resource: BudgetResource) =>
  z
    .number()
    .positive()
    .optional()
    .describe(`With allocation: sensitivity, instead of sparsity: the most ${resourceSources[resource].unit} the pruned model may have (the ${resourceSources[resource].metric} metric's count)`)

const budgetOptions = { bytes: budgetOption('bytes'), macs: budgetOption('macs') }

/** `{ strategy: name, ...options }`: the strategy's own schema validates the rest. */
function pruneOptions(registry: Registry): z.ZodType<PruneStepOptions> {
  return z
    .object({ strategy: z.string().default('magnitude').describe('Name of a registered pruning strategy'), allocation: allocationOption, refine: refineOption, ...budgetOptions })
    .catchall(z.unknown())
    .transform((value, ctx) => {
      const { strategy, allocation, refine, bytes, macs, ...rest } = value
      if (!checkRegistered(registry.strategies, strategy, ctx, ['strategy'])) return z.NEVER
      const budgets = Object.entries({ bytes, macs }).flatMap(([resource, limit]) => (limit === undefined ? [] : [{ resource: resource as BudgetResource, limit }]))
      // A budget stands for the sparsity, which the allocation sets per layer.
      const parsed = registry.strategies.get(strategy).options.safeParse(budgets.length && rest.sparsity === undefined ? { ...rest, sparsity: 0 } : rest)
      if (!parsed.success) {
        addIssues(ctx, parsed.error.issues, [])
        return z.NEVER
      }
      if (!allocation) {
        for (const key of ['refine', ...budgets.map((b) => b.resource)].filter((k) => value[k as keyof typeof value] !== undefined)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} only applies with allocation: sensitivity` })
        }
        return { strategy, options: parsed.data }
      }
      const targets = [...(rest.sparsity !== undefined ? ['sparsity'] : []), ...budgets.map((b) => b.resource)]
      if (targets.length !== 1 || (targets[0] === 'sparsity' && typeof rest.sparsity !== 'number')) {
        const message = targets.length > 1 ? `give one target, not ${targets.join(' and ')}` : 'allocation: sensitivity needs the global target as sparsity (0..1), e.g. sparsity: 0.9, or a budget as bytes or macs'
        ctx.addIssue({ code: 'custom', path: [targets[1] ?? 'sparsity'], message })
        return z.NEVER
      }
      return { strategy, options: rest, allocation: budgets.length ? { budget: budgets[0], refine: refine ?? true } : { sparsity: rest.sparsity as number, refine: refine ?? true } }
    })
}

/** Every strategy's entry also takes `allocation`, `refine` and the budgets. */
function withAllocation(union: JsonSchema): JsonSchema {
  const extra = { allocation: toJson(allocationOption), refine: toJson(refineOption), bytes: toJson(budgetOptions.bytes), macs: toJson(budgetOptions.macs) }
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
