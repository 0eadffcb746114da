import type { AxisCut as Cut } from '@prunekit/core'
import type { Dependencies, WeightSlice } from './dependencies.js'
import { keptIndices, layoutLength, type GroupId, type GroupSizes } from './layout.js'

/** Which units survive: the analysis of the model, and the kept unit indices of every group that loses units. */
export interface UnitPlan {
  dependencies: Dependencies
  kept: Map<GroupId, Int32Array>
}

/** One axis of a weight to gather, with the indices that survive on it, and whether they are the weight's own units. */
export interface AxisCut extends Cut {
  role: WeightSlice['role']
}

export function groupSizes(dependencies: Dependencies): GroupSizes {
  const sizes = new Map(dependencies.groups.map((g) => [g.id, g.size]))
  return (id) => {
    const size = sizes.get(id)
    if (size === undefined) throw new Error(`Unknown channel group ${id}.`)
    return size
  }
}

/** The cuts a plan makes to one weight (none when it keeps its shape). */
export function cutsFor(plan: UnitPlan, layer: string, weight: string): AxisCut[] {
  const sizeOf = groupSizes(plan.dependencies)
  return plan.dependencies.slices.flatMap((slice) => {
    if (slice.layer !== layer || slice.weight !== weight) return []
    const indices = keptIndices(slice.layout, sizeOf, (g) => plan.kept.get(g))
    return indices ? [{ axis: slice.axis, indices, length: layoutLength(slice.layout, sizeOf), role: slice.role }] : []
  })
}

/** Units of every resized producer, before -> after, in model order. */
export function unitChanges(plan: UnitPlan): Array<{ layer: string; before: number; after: number }> {
  const sizeOf = groupSizes(plan.dependencies)
  return plan.dependencies.resizes.flatMap(({ layer, group }) => {
    const kept = plan.kept.get(group)
    return kept ? [{ layer, before: sizeOf(group), after: kept.length }] : []
  })
}
