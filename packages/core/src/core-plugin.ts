import { magnitude } from './magnitude.js'
import { bundlePlugin } from './registry.js'
import { checkpointStep, restoreStep } from './steps/checkpoint.js'
import { evaluateStep } from './steps/evaluate.js'
import { finetuneStep, trainStep } from './steps/fit.js'
import { pruneStep } from './steps/prune.js'
import { sensitivityStep } from './steps/sensitivity.js'
import { builtinSchedules } from './schedules/index.js'

/** Core's built-ins: the magnitude strategy, the train / evaluate / prune / finetune / checkpoint / restore / sensitivity steps and the pruning schedules. */
export const corePlugin = bundlePlugin('@prunekit/core', { strategies: [magnitude], steps: [trainStep, evaluateStep, pruneStep, finetuneStep, checkpointStep, restoreStep, sensitivityStep], schedules: Object.values(builtinSchedules) })
