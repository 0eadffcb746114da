import type { RunMeta } from './run-meta.js'

/** When the run started, as "2026-11-29 07:08 UTC". */
export const startedText = (meta: RunMeta): string => meta.startedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')

/** "Started 2026-11-29 07:08 UTC on vm (linux x64, 2 CPUs, Node.js v20.20.2); prunekit 0.1.0, tfjs 4.22.0." */
export function describeMeta(meta: RunMeta): string {
  return `Started ${startedText(meta)} on ${meta.host} (${meta.platform}); prunekit ${meta.prunekit}, tfjs ${meta.tfjs}.`
}
