import { bundlePlugin, type OptionsInput, type PrunekitPlugin } from '@prunekit/core'
import { csvDataset, type csvOptions } from './csv.js'
import { fashionMnistDataset, idxDataset, type fashionMnistOptions, type idxOptions } from './idx-dataset.js'
import { irisDataset, type irisOptions } from './iris.js'
import { mnistDataset, type mnistOptions } from './mnist.js'
import { syntheticDataset, type syntheticOptions } from './synthetic.js'

/** The datasets this package ships, by their registry names. */
export const builtinDatasets = {
  mnist: mnistDataset,
  synthetic: syntheticDataset,
  iris: irisDataset,
  'fashion-mnist': fashionMnistDataset,
  idx: idxDataset,
  csv: csvDataset,
} as const

export type BuiltinDataset = keyof typeof builtinDatasets

/** Registers mnist, synthetic, iris, fashion-mnist, idx and csv in a registry: `registry.use(datasetsPlugin())`. */
export function datasetsPlugin(): PrunekitPlugin {
  return bundlePlugin('@prunekit/datasets', { datasets: Object.values(builtinDatasets) })
}

// Importing this package types `data: { dataset, ... }` in defineConfig() (see PrunekitDatasets in core).
declare module '@prunekit/core' {
  interface PrunekitDatasets {
    mnist: OptionsInput<typeof mnistOptions>
    synthetic: OptionsInput<typeof syntheticOptions>
    iris: OptionsInput<typeof irisOptions>
    'fashion-mnist': OptionsInput<typeof fashionMnistOptions>
    idx: OptionsInput<typeof idxOptions>
    csv: OptionsInput<typeof csvOptions>
  }
}
