import { bundlePlugin, type PrunekitPlugin } from '@prunekit/core'
import { iterateStep } from './iterate/step.js'

/** Registers the `iterate` step: prune-retrain rounds, with lottery-ticket rewinding and the re-init control. */
export function iterativePlugin(): PrunekitPlugin {
  return bundlePlugin('@prunekit/strategy-iterative', { steps: [iterateStep] })
}
