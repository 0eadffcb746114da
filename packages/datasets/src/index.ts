export { irisDataset, irisOptions, type IrisOptions } from './iris.js'
export { mnistDataset, mnistOptions, type MnistOptions } from './mnist.js'
export { builtinDatasets, datasetsPlugin, type BuiltinDataset } from './plugin.js'
export { syntheticDataset, syntheticOptions, type SyntheticOptions } from './synthetic.js'
