import { structuredPlugin } from './plugin.js'

export { allocateUnits, minimumKept, roundKept, topUnits, type AllocationOptions, type Candidate } from './allocation.js'
export {
  analyzeDependencies,
  groupName,
  type ChannelGroup,
  type Dependencies,
  type Normalizer,
  type Resize,
  type WeightSlice,
} from './dependencies.js'
export { foldBatchNorm } from './fold-batchnorm.js'
export { foldableBatchNorms, fusableActivations, planFolds, type ActivationFusion, type BatchNormFold, type FoldPlan } from './fold-plan.js'
export { foldBatchNormOptions, foldBatchNormStep, type FoldBatchNormOptions } from './fold-step.js'
export { describeModel, type LayerNode, type ModelGraph } from './graph.js'
export { blockWidth, keptIndices, layoutLength, normalizeLayout, type Block, type GroupId, type Layout, type Segment } from './layout.js'
export { structuredOptions, type StructuredOptions } from './options.js'
export { cutsFor, unitChanges, type AxisCut, type UnitPlan } from './plan.js'
export { structuredPlugin } from './plugin.js'
export { scoreUnits, type UnitCriterion } from './ranking.js'
export { selectGroups, type SelectedGroup } from './selection.js'
export { bnScale, l1Units, l2Units, planUnits, randomUnits, structuredStrategies, type StructuredStrategy } from './strategies.js'
export { carryMasks, rebuildModel, removeUnits, sliceTensor } from './surgery.js'
export { zeroUnits } from './unit-masks.js'

export default structuredPlugin
