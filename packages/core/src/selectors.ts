import { z } from 'zod'
import type { WeightRef } from './model.js'

/** A layer selector: an exact layer or weight name, a `/regex/`, or `{ type: Dense }`. */
/** `/regex/flags` patterns must compile: a bad one is a config error, not a failure mid-run. */
function checkPattern(pattern: string | undefined, ctx: z.RefinementCtx, path: PropertyKey[] = []): void {
  const regex = pattern === undefined ? null : /^\/(.+)\/([a-z]*)$/.exec(pattern)
  if (!regex) return
  try {
    new RegExp(regex[1], regex[2])
  } catch (error) {
    ctx.addIssue({ code: 'custom', path, message: `${pattern} is not a valid regular expression (${(error as Error).message}). Fix the pattern, or write the exact layer name.` })
  }
}

export const layerSelector = z
  .union([
    z.string().min(1).superRefine((pattern, ctx) => checkPattern(pattern, ctx)),
    z
      .object({
        name: z.string().optional().describe('Exact layer name or /regex/'),
        type: z.string().optional().describe('Layer class name, e.g. Dense or Conv2D'),
      })
      .superRefine((selector, ctx) => checkPattern(selector.name, ctx, ['name'])),
  ])
  .describe('A layer name, a /regex/ on layer names, or { type: LayerClass }')

export type LayerSelector = z.infer<typeof layerSelector>

function matchName(pattern: string, ref: WeightRef): boolean {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern)
  if (regex) {
    const re = new RegExp(regex[1], regex[2])
    return re.test(ref.layerName) || re.test(ref.key)
  }
  return pattern === ref.layerName || pattern === ref.key
}

export function matchesSelector(selector: LayerSelector, ref: WeightRef): boolean {
  if (typeof selector === 'string') return matchName(selector, ref)
  if (selector.type && selector.type.toLowerCase() !== ref.layerType.toLowerCase()) return false
  if (selector.name && !matchName(selector.name, ref)) return false
  return Boolean(selector.type || selector.name)
}

export function describeSelector(selector: LayerSelector): string {
  return typeof selector === 'string' ? selector : JSON.stringify(selector)
}
