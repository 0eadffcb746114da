import type { AxisCut, PrunableModel } from '@prunekit/core'
import { cutsFor, type UnitPlan } from './plan.js'

/** A 0/1 mask of the given shape that zeroes every entry whose index on a cut axis is not kept. */
function maskValues(shape: number[], cuts: AxisCut[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1)
  const values = new Float32Array(size).fill(1)
  for (const cut of cuts) {
    const kept = new Uint8Array(cut.length)
    for (const i of cut.indices) kept[i] = 1
    const stride = shape.slice(cut.axis + 1).reduce((a, b) => a * b, 1)
    for (let i = 0; i < size; i++) if (!kept[Math.floor(i / stride) % cut.length]) values[i] = 0
  }
  return values
}

/**
 * Zeroes the plan's removed units in place, with masks instead of surgery: each unit's kernel column,
 * bias, and the gamma and beta of the BatchNorm that scales it. The result computes what the rebuilt
 * model computes; use it to evaluate a plan before committing to it.
 */
export function zeroUnits(model: PrunableModel, plan: UnitPlan): void {
  for (const ref of model.weights()) {
    const cuts = cutsFor(plan, ref.layerName, ref.kind, 'unit')
    if (cuts.length === 0) continue
    const values = maskValues(ref.shape, cuts)
    const previous = model.masks.get(ref.key)?.dataSync()
    if (previous) for (let i = 0; i < values.length; i++) if (previous[i] === 0) values[i] = 0
    model.masks.setValues(ref.key, values, ref.shape)
  }
  model.applyMasks()
}
