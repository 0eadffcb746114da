import type * as tf from '@tensorflow/tfjs-core'
import { wrappingReplacement, type KernelReplacement } from './shared.js'

/**
 * The same transpose on fewer axes: size-1 axes dropped, and axes that stay neighbours in the output
 * merged into one (NHWC to CNHW, perm [3, 0, 1, 2], is a 2-D transpose of [N * H * W, C]).
 */
export function mergeTransposeAxes(shape: number[], perm: number[]): { shape: number[]; perm: number[] } {
  const kept = shape.map((_, axis) => axis).filter((axis) => shape[axis] !== 1)
  const order = perm.filter((axis) => shape[axis] !== 1).map((axis) => kept.indexOf(axis))
  // Runs of the output's axes that are consecutive input axes, in output order.
  const runs: number[][] = []
  for (const axis of order) {
    const last = runs.at(-1)
    if (last && axis === last[last.length - 1] + 1) last.push(axis)
    else runs.push([axis])
  }
  const byInput = [...runs].sort((a, b) => a[0] - b[0])
  return {
    shape: byInput.map((run) => run.reduce((size, axis) => size * shape[kept[axis]], 1)),
    perm: runs.map((run) => byInput.indexOf(run)),
  }
}

/**
 * tfjs-backend-wasm's Transpose drops size-1 axes but runs every other axis through a generic index
 * loop, several times slower at rank 4 than at rank 2. This gives the original the merged transpose
 * (the same memory, fewer axes) and labels its output with the real shape.
 */
export const mergedTransposeReplacement: KernelReplacement = wrappingReplacement('Transpose', (original) => (args) => {
  const { x } = args.inputs as { x: tf.TensorInfo }
  const { perm } = args.attrs as unknown as { perm: number[] }
  const merged = mergeTransposeAxes(x.shape, perm)
  if (merged.shape.length === x.shape.filter((d) => d !== 1).length) return original(args)
  const out = original({ ...args, inputs: { x: { ...x, shape: merged.shape } }, attrs: { ...args.attrs, perm: merged.perm } }) as tf.TensorInfo
  return { dataId: out.dataId, shape: perm.map((axis) => x.shape[axis]), dtype: out.dtype }
})
