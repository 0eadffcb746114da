import { z } from 'zod'
import { configIssues, issueLines, PruneError } from './errors.js'
import type { PrunableModel } from './model.js'
import { addIssues, checkRegistered } from './registered-name.js'
import type { Registry } from './registry.js'
import type { RunContext } from './registry.js'

/** A strategy whose sparsity is set at run time: by a schedule while training, or per round by `iterate`. */
export interface SparsityTarget {
  strategy: string
  /** The strategy's own options, without `sparsity`. */
  options: Record<string, unknown>
}

// Any valid sparsity will do: validation only needs the key to be present.
const probe = 0.5

/**
 * For zod transforms: checks `{ strategy, ...options }` whose sparsity is set later. Issues go under
 * `path`; a strategy that takes no `sparsity` option cannot follow a schedule.
 */
export function resolveSparsityTarget(
  registry: Registry,
  value: { strategy: string } & Record<string, unknown>,
  ctx: z.RefinementCtx,
  path: PropertyKey[],
): SparsityTarget | undefined {
  const { strategy, sparsity, threshold, ...options } = value
  if (!checkRegistered(registry.strategies, strategy, ctx, [...path, 'strategy'])) return undefined
  let valid = true
  for (const [key, given] of Object.entries({ sparsity, threshold })) {
    if (given === undefined) continue
    ctx.addIssue({ code: 'custom', path: [...path, key], message: `the sparsity is set by the schedule (or the per-round list): remove ${key}` })
    valid = false
  }
  const parsed = registry.strategies.get(strategy).options.safeParse({ ...options, sparsity: probe })
  if (!parsed.success) {
    const noSparsity = parsed.error.issues.some((i) => i.code === 'unrecognized_keys' && i.keys.includes('sparsity'))
    if (noSparsity) ctx.addIssue({ code: 'custom', path: [...path, 'strategy'], message: `strategy "${strategy}" takes no sparsity option, so no schedule can drive it` })
    addIssues(ctx, parsed.error.issues.filter((i) => !(i.code === 'unrecognized_keys' && i.keys.length === 1 && i.keys[0] === 'sparsity')), path)
    valid = false
  }
  return valid ? { strategy, options } : undefined
}

/** The strategy's validated options with the given sparsity. */
export function optionsAtSparsity(registry: Registry, target: SparsityTarget, sparsity: number): unknown {
  if (!(sparsity >= 0 && sparsity <= 1)) throw new PruneError(`Cannot prune to sparsity ${sparsity}: a sparsity lies in 0..1.`)
  const parsed = registry.strategies.get(target.strategy).options.safeParse({ ...target.options, sparsity })
  if (!parsed.success) {
    const problems = issueLines(configIssues(parsed.error.issues), '(options)').join('; ')
    throw new PruneError(`Strategy "${target.strategy}" rejected its options at sparsity ${sparsity}: ${problems}`)
  }
  return parsed.data
}

/**
 * Runs a registered strategy on the run's model; a new model it returns (structured strategies
 * return a smaller one) goes into the slot.
 */
export async function applyStrategy(ctx: RunContext, strategy: string, options: unknown): Promise<PrunableModel> {
  const pruned = await ctx.registry.strategies.get(strategy).prune(ctx.model, { options }, { rng: ctx.rng, data: ctx.data, registry: ctx.registry })
  ctx.slot.replace(pruned)
  return pruned
}

/** Re-runs a strategy at the given sparsity (masks only grow unless the strategy says otherwise). */
export async function pruneToSparsity(ctx: RunContext, target: SparsityTarget, sparsity: number): Promise<PrunableModel> {
  return applyStrategy(ctx, target.strategy, optionsAtSparsity(ctx.registry, target, sparsity))
}
