import type { z } from 'zod'
import type { ConfigInput, fileModelSchema } from './config.js'
import type { fitSettingsSchema } from './fit-model.js'
import type { selectionSchema } from './score-strategy.js'
import type { distillSchema } from './distill.js'
import type { checkpointOptions, restoreOptions } from './steps/checkpoint.js'
import type { evaluateOptions } from './steps/evaluate.js'
import type { sensitivityShape } from './steps/sensitivity.js'
import type { constantOptions } from './schedules/constant.js'
import type { geometricOptions } from './schedules/geometric.js'
import type { polynomialOptions } from './schedules/polynomial.js'

/*
 * Option types TypeScript checks. Each registry below maps a name to the *input* type of its options
 * (`OptionsInput`: `z.input` of the schema that validates them, so types and validation cannot drift). Core declares
 * its built-ins; a plugin package adds its own entries by declaration merging, in its own source:
 *
 *   declare module '@prunekit/core' { interface PrunekitStrategies { 'l1-units': OptionsInput<typeof structuredOptions> } }
 *
 * so importing the plugin package is what types its names.
 */

/**
 * The options a schema takes as written: `z.input`, less the `Record<string, never>` that zod gives an
 * empty `z.object({})` (which would make `{ zoo: 'lenet-5' } & Options` impossible to write).
 */
export type OptionsInput<S extends z.ZodType> = WithoutNeverIndex<z.input<S>>

/** Drops an index signature that admits nothing. */
export type WithoutNeverIndex<T> = { [K in keyof T as string extends K ? ([T[K]] extends [never] ? never : K) : K]: T[K] }

/** Pruning strategies by name: `prune(model, { strategy, ...options })` and the `prune` step. */
export interface PrunekitStrategies {
  magnitude: OptionsInput<ReturnType<typeof selectionSchema<{}>>>
}

/** Gradual-pruning schedules by name (`schedule: { name, ...options }`): core's four; a plugin declares its own. */
export interface PrunekitSchedules {
  constant: OptionsInput<typeof constantOptions>
  linear: OptionsInput<ReturnType<typeof polynomialOptions>>
  polynomial: OptionsInput<ReturnType<typeof polynomialOptions>>
  geometric: OptionsInput<typeof geometricOptions>
}

/** Zoo models by name (`model: { zoo, ...options }`); `@prunekit/models` declares its builders. */
export interface PrunekitModels {}

/** Datasets by name (`data: { dataset, ...options }`); `@prunekit/datasets` declares its loaders. */
export interface PrunekitDatasets {}

/** Reporters by name (`reporters: ['console', { html: { title } }]`); `@prunekit/reporters` declares its own. */
export interface PrunekitReporters {}

/** Metric names (`evaluate: { metrics: [...] }`); the value is what the metric reports, for readers. */
export interface PrunekitMetrics {}

/** Pipeline steps by name: `pipeline: [{ train: { epochs: 5 } }]`. Plugin steps must be declared here to type-check. */
export interface PrunekitSteps {
  train: FitStepInput
  finetune: FitStepInput
  evaluate: EvaluateStepInput
  prune: StrategyOptionsInput & { allocation?: 'sensitivity'; refine?: boolean }
  sensitivity: SparsityTargetInput<SensitivityInput>
  checkpoint: OptionsInput<typeof checkpointOptions>
  restore: OptionsInput<typeof restoreOptions>
}

/** The options of any name no registry declares (a plugin whose types are not imported): anything goes. */
export type Undeclared<Key extends string> = { [K in Key]: string & {} } & { [option: string]: unknown }

/** A registered name: the declared ones complete in editors, and any other name is accepted. */
export type StrategyName = keyof PrunekitStrategies | (string & {})
export type ScheduleName = keyof PrunekitSchedules | (string & {})
export type ModelName = keyof PrunekitModels | (string & {})
export type DatasetName = keyof PrunekitDatasets | (string & {})
export type ReporterName = keyof PrunekitReporters | (string & {})
export type MetricName = keyof PrunekitMetrics | (string & {})
export type StepName = keyof PrunekitSteps

/** `{ strategy: name, ...that strategy's options }`; `strategy` may be left out for magnitude. */
export type StrategyOptionsInput =
  | { [K in keyof PrunekitStrategies]: (K extends 'magnitude' ? { strategy?: K } : { strategy: K }) & PrunekitStrategies[K] }[keyof PrunekitStrategies]
  | Undeclared<'strategy'>

/** A strategy's options when a schedule (or `iterate`'s per-round list) sets the sparsity. */
export type SparsityTargetInput<Extra> =
  | {
      [K in keyof PrunekitStrategies]: (K extends 'magnitude' ? { strategy?: K } : { strategy: K }) &
        Omit<PrunekitStrategies[K], 'sparsity' | 'threshold'> &
        Extra
    }[keyof PrunekitStrategies]
  | (Undeclared<'strategy'> & Extra)

/** The sensitivity step's own options (the strategy's, without sparsity, go beside them). */
export type SensitivityInput = OptionsInput<z.ZodObject<typeof sensitivityShape>>

/** A schedule: its name, or `{ name, ...options }`. */
export type ScheduleInput = ScheduleName | { [K in keyof PrunekitSchedules]: { name: K } & PrunekitSchedules[K] }[keyof PrunekitSchedules] | Undeclared<'name'>

/** `prune: { strategy, schedule, ...strategy options }` on train and finetune: gradual pruning. */
export type GradualPruneInput = SparsityTargetInput<{ schedule: ScheduleInput }>

/** The options of train and finetune (written from the parts of their run-time schema). */
export type FitStepInput = OptionsInput<ReturnType<typeof fitSettingsSchema>> & {
  checkpoints?: number[]
  prune?: GradualPruneInput
  distill?: OptionsInput<typeof distillSchema>
}

export type EvaluateStepInput = Omit<OptionsInput<typeof evaluateOptions>, 'metrics'> & { metrics?: MetricName[] }

/** A pipeline entry: `{ step: options }`, or a bare step name. */
export type StepEntryInput = StepName | { [K in StepName]: { [P in K]: PrunekitSteps[K] } }[StepName]

/** A reporter entry: a bare name, or `{ reporter: options }` for a declared one. */
export type ReporterEntryInput = ReporterName | { [K in keyof PrunekitReporters]: { [P in K]: PrunekitReporters[K] } }[keyof PrunekitReporters]

/** `model:` a zoo model with its options, or `{ path, output }` to load one. */
export type ModelInput = { [K in keyof PrunekitModels]: { zoo: K } & PrunekitModels[K] }[keyof PrunekitModels] | Undeclared<'zoo'> | OptionsInput<typeof fileModelSchema>

/** `data:` a dataset with its options. */
export type DataInput = { [K in keyof PrunekitDatasets]: { dataset: K } & PrunekitDatasets[K] }[keyof PrunekitDatasets] | Undeclared<'dataset'>

/** A pipeline config as TypeScript sees it (the YAML shape, named parts typed by the registries above). */
export type PrunekitConfig = Omit<ConfigInput, 'model' | 'data' | 'pipeline' | 'reporters' | 'plugins'> & {
  plugins?: readonly string[]
  model?: ModelInput
  data?: DataInput
  pipeline?: readonly StepEntryInput[]
  reporters?: readonly ReporterEntryInput[]
}
