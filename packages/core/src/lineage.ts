import * as tf from '@tensorflow/tfjs-core'

/** Entries kept on one axis of an array: their indices, ascending, out of `length`. */
export interface AxisCut {
  axis: number
  indices: Int32Array
  /** The axis length before the cut. */
  length: number
}

/**
 * Where a rebuilt model's weights came from: per weight key (`dense_1/kernel`), the axes that lost
 * entries since the model was first built, each with the original indices it keeps. Weights that
 * never lost entries are absent. Structured pruning extends it at every surgery; checkpoints use it
 * to rewind a smaller model to weights saved before the cut.
 */
export type Lineage = ReadonlyMap<string, readonly AxisCut[]>

/** Keeps `indices` along `axis` of a row-major array of the given shape. */
function gatherAxis(values: Float32Array, shape: number[], axis: number, indices: Int32Array): Float32Array {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1)
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1)
  const dim = shape[axis]
  const result = new Float32Array(outer * indices.length * inner)
  let k = 0
  for (let o = 0; o < outer; o++) {
    for (const index of indices) {
      const start = (o * dim + index) * inner
      for (let i = 0; i < inner; i++) result[k++] = values[start + i]
    }
  }
  return result
}

/**
 * Keeps the given indices on each cut axis: a new float32 tensor, built on the host so that its
 * backend storage has its own shape (the wasm backend's gather output keeps a rank-4 record that
 * breaks its fused matMul when used as a Dense bias). `where` names the weight in errors.
 */
export function sliceTensor(value: tf.Tensor, cuts: readonly AxisCut[], where: string): tf.Tensor {
  let shape = [...value.shape]
  let values: Float32Array = Float32Array.from(value.dataSync())
  for (const cut of cuts) {
    if (shape[cut.axis] !== cut.length) {
      throw new Error(`Expected axis ${cut.axis} of ${where} to hold ${cut.length} entries, but its shape is [${value.shape.join(', ')}].`)
    }
    values = gatherAxis(values, shape, cut.axis, cut.indices)
    shape = shape.map((d, i) => (i === cut.axis ? cut.indices.length : d))
  }
  return tf.tensor(values, shape, 'float32')
}

/**
 * The lineage after cutting a model of lineage `before`: each cut (in the cut model's current
 * positions) is mapped back to original indices and merged with what the weight had lost already.
 */
export function extendLineage(before: Lineage, cuts: ReadonlyMap<string, readonly AxisCut[]>): Lineage {
  const after = new Map(before)
  for (const [key, weightCuts] of cuts) {
    const axes = new Map((before.get(key) ?? []).map((c) => [c.axis, c]))
    for (const cut of weightCuts) {
      const earlier = axes.get(cut.axis)
      axes.set(cut.axis, {
        axis: cut.axis,
        indices: earlier ? cut.indices.map((i) => earlier.indices[i]) : Int32Array.from(cut.indices),
        length: earlier ? earlier.length : cut.length,
      })
    }
    after.set(key, [...axes.values()].sort((a, b) => a.axis - b.axis))
  }
  return after
}

/**
 * The cuts that take a weight saved at lineage `saved` (shape `savedShape`) to one at lineage
 * `current`; undefined when the current weight holds an entry the saved one had already lost.
 */
export function cutsBetween(saved: readonly AxisCut[] | undefined, current: readonly AxisCut[] | undefined, savedShape: readonly number[]): AxisCut[] | undefined {
  const cuts: AxisCut[] = []
  for (const now of current ?? []) {
    const then = saved?.find((c) => c.axis === now.axis)
    if (then && then.length !== now.length) return undefined
    // Position of every original index within the saved axis.
    const position = new Map((then ? Array.from(then.indices) : Array.from({ length: now.length }, (_, i) => i)).map((original, at) => [original, at]))
    const indices = new Int32Array(now.indices.length)
    for (let i = 0; i < indices.length; i++) {
      const at = position.get(now.indices[i])
      if (at === undefined) return undefined
      indices[i] = at
    }
    if (indices.length !== savedShape[now.axis] || indices.some((at, i) => at !== i)) cuts.push({ axis: now.axis, indices, length: savedShape[now.axis] })
  }
  // An axis the saved weight had cut but the current one has not: the current one holds entries the saved one lacks.
  if (saved?.some((then) => !current?.some((now) => now.axis === then.axis))) return undefined
  return cuts
}
