export { csvDataset, csvOptions, parseCsv, type CsvOptions, type CsvTable } from './csv.js'
export { parseIdx, type IdxArray } from './idx.js'
export {
  fashionMnistClassNames,
  fashionMnistDataset,
  fashionMnistDirectory,
  fashionMnistOptions,
  idxDataset,
  idxOptions,
  type FashionMnistOptions,
  type IdxOptions,
} from './idx-dataset.js'
export { irisDataset, irisOptions, type IrisOptions } from './iris.js'
export { mnistDataset, mnistOptions, type MnistOptions } from './mnist.js'
export { builtinDatasets, datasetsPlugin, type BuiltinDataset } from './plugin.js'
export { syntheticDataset, syntheticOptions, type SyntheticOptions } from './synthetic.js'
