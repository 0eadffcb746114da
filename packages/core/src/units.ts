import type { PrunableModel } from './model.js'

/** A layer with a kernel, and its units: the last dimension of its output (undefined for a layer with several outputs). */
export interface LayerUnits {
  name: string
  type: string
  units?: number
}

/** A layer's units in a later state of a model against an earlier one (before: undefined when the layer was not there). */
export interface UnitChange {
  name: string
  type: string
  before?: number
  after: number
}

/** Every layer with a kernel (a weight of rank 2 or more), in model order, with its units: what structured pruning shrinks. */
export function layerUnits(model: PrunableModel): LayerUnits[] {
  const names = new Set(model.weights().flatMap((ref) => (ref.shape.length < 2 ? [] : [ref.layerName])))
  return [...names].map((name) => {
    const layer = model.model.getLayer(name)
    const shape = layer.outputShape
    const last = Array.isArray(shape[0]) ? undefined : (shape as Array<number | null>).at(-1)
    return { name, type: layer.getClassName(), ...(typeof last === 'number' ? { units: last } : {}) }
  })
}

/**
 * Units before -> after for every layer of `after` that has units, in its order; the rows may come
 * from two models (layerUnits) or from two snapshots' layers metric.
 */
export function unitChanges(before: readonly LayerUnits[] = [], after: readonly LayerUnits[] = []): UnitChange[] {
  const earlier = new Map(before.map((l) => [l.name, l.units]))
  return after.flatMap((l) => (l.units === undefined ? [] : [{ name: l.name, type: l.type, before: earlier.get(l.name), after: l.units }]))
}
