import type { z } from 'zod'
import type { Catalog, Named } from './catalog.js'
import { suggestName } from './suggest.js'

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
  const known = catalog.names()
  const nearest = suggestName(name, known)
  ctx.addIssue({
    code: 'custom',
    path,
    message: `unknown ${catalog.kind} "${name}".${nearest ? ` Did you mean "${nearest}"?` : ''} Known: ${known.length ? known.join(', ') : `(none)${hint}`}`,
  })
  return false
}

/** Re-reports a nested parse's issues under `path`. */
export function addIssues(ctx: z.RefinementCtx, issues: readonly z.core.$ZodIssue[], path: PropertyKey[]): void {
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: [...path, ...issue.path], message: issue.message })
}
