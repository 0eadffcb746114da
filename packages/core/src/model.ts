import * as tf from '@tensorflow/tfjs-core'
import type { LayerVariable, LayersModel } from '@tensorflow/tfjs-layers'
import type { ZodType } from 'zod'
import type { Named } from './catalog.js'
import type { Task } from './data.js'
import type { Lineage } from './lineage.js'
import { MaskSet } from './masks.js'
import type { Rng } from './rng.js'

/** What a zoo builder is told about the data it will see. */
export interface ModelContext {
  inputShape: number[]
  numClasses: number
  task: Task
  /** Seeded generator: builders draw their initializer seeds from it. */
  rng: Rng
}

export interface ModelFactory<O = Record<string, unknown>> extends Named {
  options: ZodType<O>
  /** Returns a model, or a PrunableModel when it must say more (which output is the prediction). */
  build(options: O, ctx: ModelContext): LayersModel | PrunableModel | Promise<LayersModel | PrunableModel>
  /** Its parameter count, computed without building, so a model too large for the machine is refused before allocating. */
  params?(options: O, ctx: ModelContext): number
}

export function defineModel<O>(factory: ModelFactory<O>): ModelFactory<O> {
  return factory
}

/** A weight tensor of a layer, addressed by a stable key such as `dense_1/kernel`. */
export interface WeightRef {
  key: string
  layerName: string
  /** The layer's class name: Dense, Conv2D, ... */
  layerType: string
  /** The weight's short name: kernel, bias, depthwise_kernel, gamma ... */
  kind: string
  variable: LayerVariable
  shape: number[]
  size: number
}

/** A weight's short name, the last part of its original name: `dense_1/kernel` -> kernel. */
export const weightKind = (variable: LayerVariable): string => variable.originalName.split('/').pop() ?? variable.originalName

/** A tf.LayersModel together with the masks that hold its pruned weights at zero. */
export class PrunableModel {
  readonly masks: MaskSet
  /** Which output is the prediction, for multi-output models (default: the last). */
  readonly output: number
  /** The axes of each weight that structured surgery cut since the model was first built (empty until then). */
  readonly lineage: Lineage

  constructor(readonly model: LayersModel, options: { masks?: MaskSet; output?: number; lineage?: Lineage } = {}) {
    this.masks = options.masks ?? new MaskSet()
    this.lineage = options.lineage ?? new Map()
    const outputs = model.outputs.length
    this.output = options.output === undefined ? outputs - 1 : options.output < 0 ? outputs + options.output : options.output
  }

  /** Runs the model and returns the prediction output. Call inside tf.tidy. */
  forward(x: tf.Tensor, training = false): tf.Tensor {
    const result = this.model.apply(x, { training }) as tf.Tensor | tf.Tensor[]
    return Array.isArray(result) ? result[this.output] : result
  }

  /** Every trainable weight, in layer order; with 'all', the non-trainable ones too (BatchNorm's moving statistics). */
  weights(which: 'trainable' | 'all' = 'trainable'): WeightRef[] {
    const refs: WeightRef[] = []
    for (const layer of this.model.layers) {
      for (const variable of which === 'all' ? layer.weights : layer.trainableWeights) {
        const kind = weightKind(variable)
        refs.push({
          key: `${layer.name}/${kind}`,
          layerName: layer.name,
          layerType: layer.getClassName(),
          kind,
          variable,
          shape: variable.shape.map((d) => d ?? 0),
          size: variable.shape.reduce<number>((a, d) => a * (d ?? 0), 1),
        })
      }
    }
    return refs
  }

  /** Multiplies every masked weight by its mask, so pruned weights are exactly zero. */
  applyMasks(): void {
    if (this.masks.size === 0) return
    for (const ref of this.weights()) {
      const mask = this.masks.get(ref.key)
      if (!mask) continue
      const masked = tf.tidy(() => tf.mul(ref.variable.read(), mask))
      ref.variable.write(masked)
      masked.dispose()
    }
  }

  dispose(): void {
    this.masks.dispose()
    this.model.dispose()
  }
}
