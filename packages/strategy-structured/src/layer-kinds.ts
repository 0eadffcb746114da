/** How each supported layer class treats the channels (last axis) that flow through it. */

/** Layers whose units are prunable: the kernel's last axis and the bias are the units. */
export const producerKinds: Record<string, { key: 'units' | 'filters'; kernelRank: number }> = {
  Dense: { key: 'units', kernelRank: 2 },
  Conv1D: { key: 'filters', kernelRank: 3 },
  Conv2D: { key: 'filters', kernelRank: 4 },
  Conv3D: { key: 'filters', kernelRank: 5 },
}

/** Layers that map each channel to the same channel with no weights, and keep a zero channel zero. */
export const passThroughKinds = new Set([
  'Dropout',
  'SpatialDropout1D',
  'GaussianDropout',
  'MaxPooling1D',
  'MaxPooling2D',
  'MaxPooling3D',
  'AveragePooling1D',
  'AveragePooling2D',
  'AveragePooling3D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
  'Cropping2D',
  'UpSampling2D',
  'ReLU',
  'ELU',
  'LeakyReLU',
  'ThresholdedReLU',
])

/** Element-wise merges: channel i of every input meets channel i of the others, so they are coupled. */
export const mergeKinds = new Set(['Add', 'Multiply', 'Average', 'Maximum', 'Minimum'])

/** Activations with f(0) = 0: a removed unit's zero output stays zero after them. */
const zeroPreserving = new Set(['linear', 'relu', 'relu6', 'elu', 'selu', 'tanh', 'softsign', 'swish', 'mish', 'gelu', 'gelu_new'])

/** Why an activation would let a removed (zeroed) unit still send a value downstream; undefined when it does not. */
export function activationProblem(activation: unknown): string | undefined {
  const name = typeof activation === 'string' ? activation : activation === undefined || activation === null ? 'linear' : String(activation)
  if (zeroPreserving.has(name)) return undefined
  if (name === 'softmax') return 'activation softmax normalises across the channels, so removing one changes the others'
  return `activation ${name} does not map 0 to 0, so a removed unit would still pass a constant on`
}

export const isChannelsFirst = (config: Record<string, unknown>): boolean => config.dataFormat === 'channelsFirst'
