import { structuredPlugin } from './plugin.js'

export { foldBatchNorm } from './fold-batchnorm.js'
export type { ActivationFusion, BatchNormFold, FoldPlan } from './fold-plan.js'
export { foldBatchNormOptions, type FoldBatchNormOptions } from './fold-step.js'
export { describeModel, type LayerNode, type ModelGraph } from './graph.js'
export { structuredOptions, type StructuredOptions } from './options.js'
export { structuredPlugin } from './plugin.js'
export { bnScale, l1Units, l2Units, randomUnits, structuredStrategies, type StructuredStrategy } from './strategies.js'

export default structuredPlugin
