export { loadDataset, prune, train, type CheckedPruneOptions, type PruneOptions, type TrainOptions } from './api.js'
export { isNode, setupBackend, type BackendInfo, type BackendName, type BackendOptions } from './backend.js'
export { Checkpoint } from './checkpoint.js'
export { Catalog, type AddOptions, type CatalogEntry, type Named } from './catalog.js'
export {
  configSchema,
  entryOf,
  fileModelName,
  fileModelSchema,
  quickstartPipeline,
  resolveConfig,
  type ConfigInput,
  type PipelineConfig,
  type ResolvedConfig,
  type ResolvedEntry,
} from './config.js'
export { defineConfig } from './define-config.js'
export { corePlugin } from './core-plugin.js'
export { createRegistry } from './create-registry.js'
export { defineDataset, type Dataset, type DatasetContext, type DatasetFactory, type Split, type Task } from './data.js'
export {
  BackendError,
  ConfigError,
  DataError,
  DuplicateNameError,
  ModelError,
  PluginError,
  PruneError,
  PrunekitError,
  StepError,
  UnknownNameError,
  isUsageError,
  type ConfigIssue,
  type ErrorCode,
} from './errors.js'
export { configJsonSchema, taggedUnion, toJson, type JsonSchema } from './json-schema.js'
export { fitDataToModel } from './fit-data.js'
export {
  describeFit,
  epochCheckpoint,
  fitModel,
  fitSettingsSchema,
  fitSettingsShape,
  type FitExtras,
  type FitOutcome,
  type FitSettings,
} from './fit-model.js'
export { evaluateModel, type Evaluation } from './evaluate.js'
export { correctCount, taskLoss } from './loss.js'
export { cutsBetween, extendLineage, sliceTensor, type AxisCut, type Lineage } from './lineage.js'
export { magnitude } from './magnitude.js'
export { ModelSlot, type Checkpoints, type OptimizerLease, type ReplaceOptions } from './model-slot.js'
export { builtinSchedules, type BuiltinSchedule } from './schedules/index.js'
export { constantSchedule, type ConstantOptions } from './schedules/constant.js'
export { geometricSchedule, geometricSparsity, type GeometricOptions } from './schedules/geometric.js'
export { linearSchedule, polynomialSchedule, polynomialSparsity, type PolynomialOptions } from './schedules/polynomial.js'
export { carryOptimizer, stateLayout, type StateLayout } from './optimizer-state.js'
export { MaskSet } from './masks.js'
export { defineMetric, type Metric, type MetricValue, type Snapshot, type SnapshotContext } from './metric.js'
export { PrunableModel, defineModel, weightKind, type ModelContext, type ModelFactory, type WeightRef } from './model.js'
export { runPipeline, type PipelineResult, type RunOptions } from './pipeline.js'
export { addIssues, checkRegistered } from './registered-name.js'
export { definePlugin, registerAll, type CatalogName, type PrunekitPlugin, type Registry } from './registry.js'
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
  SparsityTargetInput,
  StepEntryInput,
  StepName,
  StrategyName,
  StrategyOptionsInput,
  Undeclared,
} from './option-types.js'
export { createRng, type Rng } from './rng.js'
export { createSchedule, resolveScheduleRef, scheduleInput, scheduleJsonSchema, type ScheduleRef } from './schedule-ref.js'
export {
  gradualPruning,
  scheduledPruneJsonSchema,
  scheduledPruneSchema,
  type GradualPruning,
  type ScheduledPrune,
} from './scheduled-prune.js'
export {
  scoreStrategy,
  selectTargets,
  selectionSchema,
  selectionShape,
  type ScoreContext,
  type ScoreStrategySpec,
  type SelectionOptions,
} from './score-strategy.js'
export { countForSparsity, selectBelow, selectLowest } from './selection.js'
export { layerSelector, matchesSelector, type LayerSelector } from './selectors.js'
export { describeSnapshot, recordSnapshot, type RecordedSnapshot } from './snapshot.js'
export { applyStrategy, optionsAtSparsity, pruneToSparsity, resolveSparsityTarget, type SparsityTarget } from './sparsity-target.js'
export { defineStep, stepSchema, type RunContext, type StepFactory } from './step.js'
export { modelFromTopology } from './topology.js'
export {
  defineSchedule,
  defineStrategy,
  type PruneContext,
  type PruneRequest,
  type PruningStrategy,
  type Schedule,
  type ScheduleFactory,
} from './strategy.js'
export { suggestName } from './suggest.js'
export { layerUnits, unitChanges, type LayerUnits, type UnitChange } from './units.js'
export {
  Trainer,
  trainDefaultsSchema,
  type FitContext,
  type FitOptions,
  type FitResult,
  type TrainDefaults,
  type TrainProgress,
} from './trainer.js'
