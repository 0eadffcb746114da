import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { iterateStep } from './iterate/step.js'
import { builtinSchedules } from './schedules.js'

/**
 * Registers the schedules (constant, linear, polynomial, geometric), which also drive
 * `prune: { strategy, schedule }` on core's train and finetune steps, and the `iterate` step.
 */
export function iterativePlugin(): PrunekitPlugin {
  return definePlugin({
    name: '@prunekit/strategy-iterative',
    register(registry) {
      registerAll(registry, { schedules: Object.values(builtinSchedules), steps: [iterateStep] })
    },
  })
}
