// The public API of @prunekit/core. Plumbing that prunekit's own packages share is in ./internal.ts.
export { loadDataset, prune, train, type CheckedPruneOptions, type PruneOptions, type TrainOptions } from './api.js'
export { setupBackend, type BackendInfo, type BackendName, type BackendOptions } from './backend.js'
export { Checkpoint, type CheckpointRecord } from './checkpoint.js'
export { Catalog, type AddOptions, type CatalogEntry, type Named } from './catalog.js'
export type { ConfigInput, PipelineConfig } from './config.js'
export { defineConfig } from './define-config.js'
export { createRegistry } from './create-registry.js'
export { hostSplit } from './batches.js'
export { defineDataset, type Dataset, type DatasetContext, type DatasetFactory, type HostFeatures, type Split, type Task } from './data.js'
export {
  BackendError,
  ConfigError,
  DataError,
  DuplicateNameError,
  ModelError,
  PluginError,
  PruneError,
  OutputError,
  ReporterError,
  PrunekitError,
  RunInterruptedError,
  RunStateError,
  StepError,
  UnknownNameError,
  isUsageError,
  type ConfigIssue,
  type ErrorCode,
} from './errors.js'
export { configJsonSchema } from './json-schema.js'
export { fitDataToModel } from './fit-data.js'
export { evaluateModel, type Evaluation } from './evaluate.js'
export { batchLoss, weightGradients } from './gradients.js'
export type { AxisCut, Lineage } from './lineage.js'
export { magnitude } from './magnitude.js'
export { ModelSlot, disposeSlotState, type Checkpoints, type OptimizerLease, type ReplaceOptions, type SlotState } from './model-slot.js'
export type { OptimizerSlotField, OptimizerSnapshot } from './optimizer-state.js'
export { builtinSchedules, type BuiltinSchedule } from './schedules/index.js'
export type { ConstantOptions } from './schedules/constant.js'
export type { GeometricOptions } from './schedules/geometric.js'
export type { PolynomialOptions } from './schedules/polynomial.js'
export { MaskSet } from './masks.js'
export { defineMetric, type Metric, type MetricValue, type Snapshot, type SnapshotContext } from './metric.js'
export { PrunableModel, defineModel, type ModelContext, type ModelFactory, type WeightRef } from './model.js'
export type { OptimizerName } from './optimizers.js'
export { runPipeline, type PipelineResult, type RunOptions } from './pipeline.js'
export {
  captureRunState,
  configChanges,
  decodeRunState,
  disposeRunState,
  encodeRunState,
  type FitPosition,
  type ResumableFit,
  type RunPosition,
  type RunState,
} from './run-state.js'
export { bundlePlugin, definePlugin, registerAll, type Bundle, type CatalogName, type Catalogs, type PrunekitPlugin, type Registry, type RunContext, type StepFactory } from './registry.js'
export {
  defineReporter,
  type ProgressEvent,
  type Reporter,
  type ReporterContext,
  type ReporterFactory,
  type RunInfo,
  type RunResult,
  type StepEndInfo,
  type StepInfo,
} from './reporter.js'
export type { Checked, UnknownKey, Valid } from './option-check.js'
export type {
  DataInput,
  DatasetName,
  EvaluateStepInput,
  FitStepInput,
  GradualPruneInput,
  MetricName,
  ModelInput,
  ModelName,
  OptionsInput,
  PrunekitConfig,
  PrunekitDatasets,
  PrunekitMetrics,
  PrunekitModels,
  PrunekitReporters,
  PrunekitSchedules,
  PrunekitSteps,
  PrunekitStrategies,
  ReporterEntryInput,
  ReporterName,
  ScheduleInput,
  ScheduleName,
  SensitivityInput,
  SparsityTargetInput,
  StepEntryInput,
  StepName,
  StrategyName,
  StrategyOptionsInput,
  Undeclared,
} from './option-types.js'
export { createRng, type Rng } from './rng.js'
export { scoreStrategy, type ScoreContext, type ScoreStrategySpec, type SelectionOptions } from './score-strategy.js'
export { parsePattern, patternGroups, type NmPattern, type PatternGroups } from './patterns.js'
export { countForSparsity, selectBelow, selectLowest } from './selection.js'
export type { LayerSelector } from './selectors.js'
export { allocateBudget, allocateSparsity, interpolate, predict, predictResource, type Allocation, type Budget, type LayerAllocation } from './sensitivity/allocate.js'
export type { AllocationRecord } from './sensitivity/allocated-prune.js'
export type { BudgetResource, Resources } from './sensitivity/resources.js'
export { curveLayers, latestSensitivity, readSensitivity, type LayerCurve, type SensitivityCurves, type SensitivityPoint, type SkippedLayer } from './sensitivity/curves.js'
export { defineStep } from './step.js'
export { sweepSchema, type SweepConfig, type SweepInput } from './sweep-config.js'
export {
  defineSchedule,
  defineStrategy,
  type GradientWatch,
  type PruneContext,
  type PruneGroup,
  type PruneRequest,
  type PruningStrategy,
  type Schedule,
  type ScheduleFactory,
} from './strategy.js'
export { layerUnits, unitChanges, type LayerUnits, type UnitChange } from './units.js'
export { distillationLoss, type DistillWeights } from './loss.js'
export { type Distillation, type DistillOptions } from './distill.js'
export { pruningCallback, type PruningCallback, type PruningCallbackOptions } from './pruning-callback.js'
export { Trainer, type FitContext, type FitOptions, type FitResult, type TrainDefaults, type TrainProgress } from './trainer.js'
