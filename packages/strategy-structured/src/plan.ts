import type { AxisCut } from '@prunekit/core'
import type { Dependencies, WeightSlice } from './dependencies.js'
import { keptIndices, layoutLength, type GroupId, type GroupSizes } from './layout.js'

/** Which units survive: the analysis of the model, and the kept unit indices of every group that loses units. */
export interface UnitPlan {
  dependencies: Dependencies
  kept: Map<GroupId, Int32Array>
}

export function groupSizes(dependencies: Dependencies): GroupSizes {
  const sizes = new Map(dependencies.groups.map((g) => [g.id, g.size]))
  return (id) => {
    const size = sizes.get(id)
    if (size === undefined) throw new Error(`Unknown channel group ${id}.`)
    return size
  }
}

/** The cuts a plan makes to one weight (none when it keeps its shape); with `role`, only the axes of that role. */
export function cutsFor(plan: UnitPlan, layer: string, weight: string, role?: WeightSlice['role']): AxisCut[] {
  const sizeOf = groupSizes(plan.dependencies)
  return plan.dependencies.slices.flatMap((slice) => {
    if (slice.layer !== layer || slice.weight !== weight || (role && slice.role !== role)) return []
    const indices = keptIndices(slice.layout, sizeOf, (g) => plan.kept.get(g))
    return indices ? [{ axis: slice.axis, indices, length: layoutLength(slice.layout, sizeOf) }] : []
  })
}
