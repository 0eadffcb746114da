import type { z } from 'zod'
import type { Catalog, Named } from './catalog.js'
import { unknownNameMessage } from './errors.js'

/**
 * For zod transforms: true when `name` is in the catalog; otherwise adds an issue at `path` that
 * suggests the nearest name and lists the known ones.
 */
export function checkRegistered<T extends Named>(
  catalog: Catalog<T>,
  name: string,
  ctx: z.RefinementCtx,
  path: PropertyKey[],
  hint = '',
): boolean {
  if (catalog.has(name)) return true
  ctx.addIssue({ code: 'custom', path, message: unknownNameMessage(catalog.kind, name, catalog.names(), hint) })
  return false
}

/** Re-reports a nested parse's issues under `path`. */
export function addIssues(ctx: z.RefinementCtx, issues: readonly z.core.$ZodIssue[], path: PropertyKey[]): void {
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: [...path, ...issue.path], message: issue.message })
}
