import { defineModel, ModelError, type ModelContext, type ModelFactory } from '@prunekit/core'

/** Rejects a context no builder can use: an empty or fractional input shape, or too few classes. */
export function checkContext(model: string, ctx: ModelContext): void {
  const { inputShape, numClasses, task } = ctx
  if (inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ModelError(`${model}: input shape [${inputShape.join(', ')}] must list one or more positive integers, e.g. [784] or [28, 28, 1]. Check the dataset's featureShape.`)
  }
  const least = task === 'multiclass' ? 2 : 1
  if (!Number.isInteger(numClasses) || numClasses < least) {
    throw new ModelError(`${model}: a ${task} model needs numClasses >= ${least}, got ${numClasses}. Check the dataset's numClasses and task.`)
  }
}

/** A zoo builder whose context is checked before it builds, so that every error names the model. */
export function zooModel<O>(name: string, factory: Omit<ModelFactory<O>, 'name'>): ModelFactory<O> {
  return defineModel({
    name,
    ...factory,
    build(options, ctx) {
      checkContext(name, ctx)
      return factory.build(options, ctx)
    },
  })
}

/** Number of values in one sample of the given shape. */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}
