import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { irisDataset } from './iris.js'
import { mnistDataset } from './mnist.js'
import { syntheticDataset } from './synthetic.js'

/** The datasets this package ships, by their registry names. */
export const builtinDatasets = {
  mnist: mnistDataset,
  synthetic: syntheticDataset,
  iris: irisDataset,
} as const

export type BuiltinDataset = keyof typeof builtinDatasets

/** Registers mnist, synthetic and iris in a registry: `registry.use(datasetsPlugin())`. */
export function datasetsPlugin(): PrunekitPlugin {
  return definePlugin({
    name: '@prunekit/datasets',
    register: (registry) => registerAll(registry, { datasets: Object.values(builtinDatasets) }),
  })
}
