import { generateFiles, joinPathFragments, names, type Tree } from '@nx/devkit'
import { fileURLToPath } from 'node:url'

export interface StrategyGeneratorOptions {
  name: string
  scope?: string
  directory?: string
}

const kebab = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** `nx g @prunekit/tools:strategy <name>`: a strategy plugin package with src, a passing test, exports and a README. */
export default async function strategyGenerator(tree: Tree, options: StrategyGeneratorOptions): Promise<void> {
  if (!kebab.test(options.name)) throw new Error(`Strategy name "${options.name}" must be kebab-case, e.g. taylor-abs.`)
  const scope = options.scope ?? '@prunekit'
  const root = joinPathFragments(options.directory ?? 'packages', `strategy-${options.name}`)
  if (tree.exists(root)) throw new Error(`${root} already exists. Pick another name or remove it first.`)
  const n = names(options.name)
  const depth = root.split('/').length
  generateFiles(tree, fileURLToPath(new URL('../../../src/generators/strategy/files', import.meta.url)), root, {
    strategyName: options.name,
    packageName: `${scope}/strategy-${options.name}`,
    variable: n.propertyName,
    className: n.className,
    rootOffset: '../'.repeat(depth),
    template: '',
  })
}
