// Plumbing other prunekit packages share: no semver promise, it may change in any release.
export { int, percent, textTable } from './format.js'
export { histogramStages, sharedHistogramScale, zeroBin, type HistogramStage } from './chart-data.js'
