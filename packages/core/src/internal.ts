/**
 * Plumbing that prunekit's own packages share (the zoo's file model, the iterate step, structured
 * surgery, the CLI). No semver promise: any of it may change in any release. Use the package's main
 * entry for everything else.
 */
export { isNode } from './backend.js'
export { defaultMaxModelBytes, fileModelName, fileModelSchema } from './config.js'
export { resolveConfig, type ResolvedConfig, type ResolvedEntry } from './resolve-config.js'
export { epochCheckpoint, fitModel, fitSettingsSchema, type FitExtras, type FitOutcome, type FitSettings } from './fit-model.js'
export { toJson, type JsonSchema } from './json-schema.js'
export { extendLineage, sliceTensor } from './lineage.js'
export { taskLoss } from './loss.js'
export { weightKind } from './model.js'
export { checkRegistered } from './registered-name.js'
export { resolveScheduleRef, scheduleInput, scheduleJsonSchema, type ScheduleRef } from './schedule-ref.js'
export { layerSelector, matchesSelector } from './selectors.js'
export { recordSnapshot, type RecordedSnapshot } from './snapshot.js'
export { pruneToSparsity, resolveSparsityTarget, type SparsityTarget } from './sparsity-target.js'
export { selectionSchema } from './score-strategy.js'
export { modelFromTopology } from './topology.js'
