import { MaskSet, PrunableModel, type AxisCut } from '@prunekit/core'
import { extendLineage, modelFromTopology, sliceTensor, weightKind } from '@prunekit/core/internal'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { cutsFor, groupSizes, type UnitPlan } from './plan.js'
import { layerWeights } from './weights.js'

interface JsonLayer {
  class_name: string
  config: Record<string, unknown>
}

/** The model's topology (Keras JSON) with every resized producer's units or filters set to its kept count. */
function resizedTopology(model: tfl.LayersModel, plan: UnitPlan): tf.io.ModelJSON['modelTopology'] {
  const topology = model.toJSON(null, false) as unknown as { config: { layers: JsonLayer[] } }
  const byName = new Map(topology.config.layers.map((entry) => [entry.config.name as string, entry]))
  const sizeOf = groupSizes(plan.dependencies)
  for (const { layer, key, group } of plan.dependencies.resizes) {
    const entry = byName.get(layer)
    if (!entry) throw new Error(`Structured surgery could not find layer ${layer} in the model's topology.`)
    entry.config[key] = plan.kept.get(group)?.length ?? sizeOf(group)
  }
  return topology as unknown as tf.io.ModelJSON['modelTopology']
}

/**
 * Builds the smaller model: the same topology with fewer units and filters, and every weight sliced
 * on both sides (a layer's own units, and each consumer's input channels). The original is untouched.
 */
export async function rebuildModel(model: tfl.LayersModel, plan: UnitPlan): Promise<tfl.LayersModel> {
  return modelFromTopology(resizedTopology(model, plan), (layer) => {
    const original = layerWeights(model, layer.name)
    return layer.weights.map((variable) => {
      const kind = weightKind(variable)
      const source = original.get(kind)
      if (!source) throw new Error(`Structured surgery found no weight ${layer.name}/${kind} in the original model.`)
      return sliceTensor(source.read(), cutsFor(plan, layer.name, kind), `${layer.name}/${kind}`)
    })
  })
}

/** The masks of the original, sliced like their weights, so unstructured pruning survives the surgery. */
export function carryMasks(masks: MaskSet, plan: UnitPlan): MaskSet {
  const carried = new MaskSet()
  for (const key of masks.keys()) {
    const slash = key.lastIndexOf('/')
    const [layer, kind] = [key.slice(0, slash), key.slice(slash + 1)]
    carried.set(key, sliceTensor(masks.get(key)!, cutsFor(plan, layer, kind), `the mask of ${key}`))
  }
  return carried
}

/** Every weight the plan cuts, by key, with its cuts. */
function planCuts(model: PrunableModel, plan: UnitPlan): Map<string, AxisCut[]> {
  return new Map(model.weights('all').flatMap(({ key, layerName, kind }) => {
    const cuts = cutsFor(plan, layerName, kind)
    return cuts.length ? [[key, cuts] as const] : []
  }))
}

/**
 * Removes the plan's units: a new, smaller PrunableModel with the same prediction output, the masks
 * carried over, and its lineage extended (which original units it keeps, for rewinding).
 */
export async function removeUnits(model: PrunableModel, plan: UnitPlan): Promise<PrunableModel> {
  const rebuilt = await rebuildModel(model.model, plan)
  let masks: MaskSet | undefined
  try {
    masks = carryMasks(model.masks, plan)
    const lineage = extendLineage(model.lineage, planCuts(model, plan))
    const result = new PrunableModel(rebuilt, { masks, output: model.output, lineage })
    result.applyMasks()
    return result
  } catch (error) {
    masks?.dispose()
    rebuilt.dispose()
    throw error
  }
}
