/** Dotted config paths: `pipeline.2.prune.sparsity` (list indices are numbers). */

type Container = Record<string, unknown> | unknown[]

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null

/** Why a path cannot be set in a config, or undefined when it can: every parent must exist, the leaf may be new. */
export function pathProblem(config: unknown, path: string): string | undefined {
  const parts = path.split('.')
  let node: unknown = config
  for (const [i, part] of parts.entries()) {
    const here = parts.slice(0, i + 1).join('.')
    if (!isContainer(node)) return `${parts.slice(0, i).join('.')} is ${JSON.stringify(node)}, not a map or a list, so it has no key "${part}"`
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(part) || Number(part) >= node.length) return `${here} does not exist: ${parts.slice(0, i).join('.') || 'the config'} is a list of ${node.length} (indices 0 to ${node.length - 1})`
      node = node[Number(part)]
    } else if (Object.hasOwn(node, part)) {
      node = node[part]
    } else if (i < parts.length - 1) {
      return `${here} does not exist in the config (keys there: ${Object.keys(node).join(', ') || 'none'})`
    } else {
      node = undefined
    }
  }
  return undefined
}

/** A deep copy of a config with one dotted path set; the path must be settable (see pathProblem). */
export function withPath<T>(config: T, path: string, value: unknown): T {
  const copy = structuredClone(config)
  const parts = path.split('.')
  let node = copy as unknown as Record<string, unknown>
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>
  node[parts.at(-1)!] = structuredClone(value)
  return copy
}
