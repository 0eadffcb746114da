import type * as tf from '@tensorflow/tfjs-core'
import { wrappingReplacement, type KernelReplacement } from './shared.js'

/**
 * Identity on wasm copies its input; a training step calls it dozens of times (gradients of Add and of
 * the layers' casts pass dy through it). tfjs tensors are immutable, so, as tfjs's cpu backend and
 * wasm's own Reshape do, this returns the same memory with one more reference. Strings keep the original.
 */
export const sharedIdentityReplacement: KernelReplacement = wrappingReplacement('Identity', (original) => (args) => {
  const { x } = args.inputs as { x: tf.TensorInfo }
  if (x.dtype === 'string') return original(args)
  ;(args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId)
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype }
})
