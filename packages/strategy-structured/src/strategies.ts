import { defineStrategy, type PrunableModel, type PruneContext, type PruningStrategy } from '@prunekit/core'
import { allocateUnits } from './allocation.js'
import type { ChannelGroup } from './channel-groups.js'
import { analyzeDependencies, type Dependencies } from './dependencies.js'
import { describeModel } from './graph.js'
import { structuredOptions, type StructuredOptions } from './options.js'
import type { UnitPlan } from './plan.js'
import { importanceUnits, scoreUnits, type UnitCriterion } from './ranking.js'
import { pruneGroups, selectGroups } from './selection.js'
import { removeUnits } from './surgery.js'

/** How many units a group had when the model was first built: its producers' unit axis in the model's lineage. */
function originalUnits(model: PrunableModel, dependencies: Dependencies, group: ChannelGroup): number {
  for (const slice of dependencies.slices) {
    if (slice.role !== 'unit' || slice.weight !== 'kernel' || !group.producers.includes(slice.layer)) continue
    const cut = model.lineage.get(`${slice.layer}/kernel`)?.find((c) => c.axis === slice.axis)
    if (cut) return cut.length
  }
  return group.size
}

/** Analyses the model, ranks the selected groups' units and decides which survive; no tensors change. */
export async function planUnits(model: PrunableModel, options: StructuredOptions, criterion: UnitCriterion, ctx: PruneContext, strategy: string = criterion): Promise<UnitPlan> {
  const dependencies = analyzeDependencies(describeModel(model.model))
  const selected = selectGroups(dependencies, model, options, criterion, strategy)
  const important = options.importance ? await importanceUnits(model, selected.map((s) => s.group), options.importance, ctx) : undefined
  const candidates = []
  for (const [i, { group, ratio, sparsity, maxRatio }] of selected.entries()) {
    const scores = important?.[i] ?? (await scoreUnits(model.model, group, criterion, ctx.rng))
    candidates.push({ id: group.id, scores, ratio, sparsity, maxRatio, origin: originalUnits(model, dependencies, group) })
  }
  return { dependencies, kept: allocateUnits(candidates, options) }
}

function structuredStrategy(name: string, description: string, criterion: UnitCriterion): PruningStrategy<StructuredOptions> {
  return defineStrategy<StructuredOptions>({
    name,
    description,
    options: structuredOptions,
    async prune(model, { options }, ctx) {
      const plan = await planUnits(model, options, criterion, ctx, name)
      // Nothing to remove (ratio 0, or every cut rounded away): the model stays as it is.
      return plan.kept.size === 0 ? model : removeUnits(model, plan)
    },
    groups: (model, options) => pruneGroups(analyzeDependencies(describeModel(model.model)), model, options, criterion),
  })
}

export const l1Units: PruningStrategy<StructuredOptions> = structuredStrategy('l1-units', 'Structured: remove the Dense neurons and Conv filters with the smallest L1 norm, and rebuild a smaller model', 'l1')

export const l2Units: PruningStrategy<StructuredOptions> = structuredStrategy('l2-units', 'Structured: remove the Dense neurons and Conv filters with the smallest L2 norm, and rebuild a smaller model', 'l2')

export const randomUnits: PruningStrategy<StructuredOptions> = structuredStrategy('random-units', 'Structured: remove randomly chosen (seeded) neurons and filters, the baseline to beat, and rebuild a smaller model', 'random')

export const bnScale: PruningStrategy<StructuredOptions> = structuredStrategy('bn-scale', 'Structured: remove the Conv filters whose following BatchNormalization has the smallest |gamma| (network slimming)', 'bn-scale')

/** The strategies' registry names. */
export type StructuredStrategy = 'l1-units' | 'l2-units' | 'random-units' | 'bn-scale'

/** The strategies by their registry names. (Types written out: inferred ones print their unions in an order that differs between builds.) */
export const structuredStrategies: Readonly<Record<StructuredStrategy, PruningStrategy<StructuredOptions>>> = {
  'l1-units': l1Units,
  'l2-units': l2Units,
  'random-units': randomUnits,
  'bn-scale': bnScale,
}
