// Plumbing other prunekit packages share: no semver promise, it may change in any release.
export { median } from './latency.js'
export { unitChanges, type SnapshotMetrics } from './readers.js'
export type { UnitChange } from './types.js'
