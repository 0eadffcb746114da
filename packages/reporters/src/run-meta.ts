import type { RunInfo } from '@prunekit/core'
import { version_core as tfjsVersion } from '@tensorflow/tfjs-core'
import { createRequire } from 'node:module'
import { arch, cpus, hostname, platform } from 'node:os'

/** Where and when a run happened, and with what: for telling runs apart months later. */
export interface RunMeta {
  /** @prunekit/core's version (the prunekit packages are released together). */
  prunekit: string
  /** @tensorflow/tfjs-core's version. */
  tfjs: string
  /** The backend the run used: wasm (SIMD, threads) or cpu. */
  backend: string
  host: string
  /** e.g. "linux x64, 2 CPUs, Node.js v20.20.0" */
  platform: string
  /** ISO 8601, when the run started. */
  startedAt: string
  /** Wall-clock seconds of the whole run. */
  seconds: number
}

const coreVersion = (createRequire(import.meta.url)('@prunekit/core/package.json') as { version: string }).version

/** The run's meta data; `startedAt` is when the reporters saw the run start. */
export function runMeta(run: RunInfo | undefined, startedAt: Date, seconds: number): RunMeta {
  const backend = run ? `${run.backend.name}${run.backend.simd ? ' (SIMD)' : ''}${run.backend.threads > 1 ? `, ${run.backend.threads} threads` : ''}` : 'unknown'
  return {
    prunekit: coreVersion,
    tfjs: tfjsVersion,
    backend,
    host: hostname(),
    platform: `${platform()} ${arch()}, ${cpus().length} CPUs, Node.js ${process.version}`,
    startedAt: startedAt.toISOString(),
    seconds,
  }
}
