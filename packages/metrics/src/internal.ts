// Plumbing other prunekit packages share: no semver promise, it may change in any release.
export { median } from './latency.js'
