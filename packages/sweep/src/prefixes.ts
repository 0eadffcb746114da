import type { PipelineConfig } from '@prunekit/core'
import type { TrialTask } from './trial.js'
import { hashOf } from './trials.js'

/** Trials that share their leading steps: the leader runs them and hands its state to the others. */
export interface PrefixGroup {
  leader: string
  followers: string[]
  /** How many leading pipeline steps they share. */
  steps: number
}

export interface PrefixPlan {
  /** Run first: trials that share nothing, and each group's leader (which captures its state). */
  first: TrialTask[]
  /** Run once their leader is done, going on from its state. */
  followers: Map<string, TrialTask[]>
  groups: PrefixGroup[]
}

/** Everything but the pipeline and out: what must be equal for two runs to share steps (seed, model, data, training ...). */
const setupOf = (config: PipelineConfig) => hashOf({ ...config, pipeline: undefined, out: undefined })

function commonSteps(a: PipelineConfig, b: PipelineConfig): number {
  const n = Math.min(a.pipeline.length, b.pipeline.length) - 1 // the last step is never shared: a run after it would have nothing to do
  let k = 0
  while (k < n && hashOf(a.pipeline[k]) === hashOf(b.pipeline[k])) k++
  return k
}

/**
 * Groups trials by their longest shared prefix: the same setup and the same first k steps, with k
 * the longest any other trial shares with it. Trials that share nothing run as they are.
 */
export function planPrefixes(tasks: readonly TrialTask[]): PrefixPlan {
  const shared = tasks.map((t, i) => Math.max(0, ...tasks.map((u, j) => (i !== j && setupOf(t.config) === setupOf(u.config) ? commonSteps(t.config, u.config) : 0))))
  const byPrefix = new Map<string, TrialTask[]>()
  const first: TrialTask[] = []
  tasks.forEach((task, i) => {
    if (!shared[i]) return void first.push(task)
    const key = hashOf([setupOf(task.config), task.config.pipeline.slice(0, shared[i])])
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), task])
  })
  const followers = new Map<string, TrialTask[]>()
  const groups: PrefixGroup[] = []
  for (const [leader, ...rest] of byPrefix.values()) {
    const steps = shared[tasks.indexOf(leader)]
    if (!rest.length) {
      first.push(leader)
      continue
    }
    first.push({ ...leader, prefix: { captureAt: steps } })
    followers.set(leader.id, rest)
    groups.push({ leader: leader.id, followers: rest.map((t) => t.id), steps })
  }
  first.sort((a, b) => a.id.localeCompare(b.id))
  return { first, followers, groups }
}
