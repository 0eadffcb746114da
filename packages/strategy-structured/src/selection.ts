import { PruneError, type LayerSelector, type PrunableModel, type PruneGroup, type WeightRef } from '@prunekit/core'
import { matchesSelector } from '@prunekit/core/internal'
import type { ChannelGroup } from './channel-groups.js'
import { groupName, type Dependencies } from './dependencies.js'
import type { StructuredOptions } from './options.js'
import type { UnitCriterion } from './ranking.js'

/** A group chosen for pruning, with its own ratio or sparsity and cap when an override names one of its layers. */
export interface SelectedGroup {
  group: ChannelGroup
  ratio?: number
  sparsity?: number
  maxRatio?: number
}

type Selection = Pick<StructuredOptions, 'include' | 'exclude' | 'overrides'>

function kernelRefs(model: PrunableModel, group: ChannelGroup): WeightRef[] {
  const refs = model.weights().filter((ref) => ref.kind === 'kernel' && group.producers.includes(ref.layerName))
  // A producer whose kernel is frozen (not trainable) is still matched by name and type.
  return refs.length ? refs : group.producers.map((layer) => ({ key: `${layer}/kernel`, layerName: layer, layerType: model.model.getLayer(layer).getClassName(), kind: 'kernel' }) as WeightRef)
}

const matchesAny = (selectors: readonly LayerSelector[], refs: WeightRef[]) => refs.some((ref) => selectors.some((s) => matchesSelector(s, ref)))

/** What selection makes of one group: left out (not selected), refused with the reason, or taken. */
type Verdict = { omitted: true } | { refused: string; explicit: boolean } | { taken: SelectedGroup }

function judge(group: ChannelGroup, model: PrunableModel, options: Selection, criterion: UnitCriterion): Verdict {
  if (group.producers.length === 0) return { omitted: true }
  if (group.pinned) return { refused: `never pruned: ${group.pinned}`, explicit: false }
  const refs = kernelRefs(model, group)
  const explicit = options.include !== undefined && matchesAny(options.include, refs)
  if ((options.include && !explicit) || matchesAny(options.exclude, refs)) return { omitted: true }
  if (group.blockers.length) return { refused: group.blockers.join('; '), explicit: true }
  if (criterion === 'bn-scale' && group.normalizers.length === 0) return { refused: 'no BatchNormalization scales its channels, so bn-scale cannot rank them', explicit }
  const override = Object.entries(options.overrides).find(([selector]) => matchesAny([selector], refs))?.[1]
  return { taken: { group, ratio: override?.ratio, sparsity: override?.sparsity, maxRatio: override?.maxRatio } }
}

/** The strategy's dependency groups as core's sensitivity step probes them: each group's producers, or why it is refused. */
export function pruneGroups(dependencies: Dependencies, model: PrunableModel, options: Selection, criterion: UnitCriterion): PruneGroup[] {
  return dependencies.groups.flatMap((group) => {
    const verdict = judge(group, model, options, criterion)
    if ('omitted' in verdict) return []
    return [{ layers: group.producers, ...('refused' in verdict ? { refused: verdict.refused } : {}) }]
  })
}

/**
 * The groups to prune: those with a producer that include selects and none that exclude names, never a
 * model input or output. A selected group that cannot be cut exactly is refused, naming the layer in the way.
 */
export function selectGroups(dependencies: Dependencies, model: PrunableModel, options: Selection, criterion: UnitCriterion, strategy: string): SelectedGroup[] {
  const selected: SelectedGroup[] = []
  const problems: string[] = []
  for (const group of dependencies.groups) {
    const verdict = judge(group, model, options, criterion)
    if ('taken' in verdict) selected.push(verdict.taken)
    // A group refused without being asked for (an output, or bn-scale's default pick) is passed over.
    else if ('refused' in verdict && verdict.explicit) problems.push(`${groupName(group)}: ${verdict.refused}`)
  }
  if (problems.length) {
    const names = [...new Set(problems.map((p) => p.split(':')[0].split(' + ')[0]))]
    throw new PruneError(
      `${strategy} cannot remove units exactly from ${problems.length === 1 ? 'this layer' : 'these layers'}:\n  ${problems.join('\n  ')}\n` +
        `Leave ${names.length === 1 ? 'it' : 'them'} out with exclude: [${names.join(', ')}], or change the layers in the way.`,
    )
  }
  if (selected.length === 0) {
    const prunable = dependencies.groups.filter((g) => !g.pinned && g.producers.length && (criterion !== 'bn-scale' || g.normalizers.length)).map(groupName)
    throw new PruneError(
      `${strategy} found no layer to prune${options.include ? ' among include' : ''}${options.exclude.length ? ' after exclude' : ''}. ` +
        (prunable.length ? `Layers it can prune: ${prunable.join(', ')}.` : `This model has no layer it can prune (the output layer is never pruned${criterion === 'bn-scale' ? ', and bn-scale needs a BatchNormalization after the layer' : ''}).`),
    )
  }
  return selected
}
