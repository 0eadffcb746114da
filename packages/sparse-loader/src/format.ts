import type { io } from '@tensorflow/tfjs-core'

/** The value of model.json's `format` field that marks a prunekit sparse export. */
export const sparseFormat = 'prunekit-sparse'

/**
 * How one weight's elements are stored in the data file:
 * - `dense`: every element, in order;
 * - `bitmask`: one bit per element (least significant bit first, set = stored), then the stored elements;
 * - `deltas`: for each stored element, the count of zeros before it since the previous one (LEB128), then the stored elements.
 */
export type SparseEncoding = 'dense' | 'bitmask' | 'deltas'

/** One weight: its stock tfjs spec, and how its bytes are stored. */
export interface SparseWeight {
  /** The stock weight spec's name, shape and dtype. */
  name: string
  shape: number[]
  dtype: 'float32' | 'int32' | 'bool'
  /** Stock tfjs quantization: the stored elements are codes of this dtype, dequantized by tfjs as `code * scale + min`. */
  quantization?: io.WeightsManifestEntry['quantization']
  encoding: SparseEncoding
  /** The elements not stored are this code (uint8/uint16: the zero point, round(-min / scale)); 0 when absent. */
  zero?: number
  /** How many elements are stored. */
  stored: number
  /** This weight's bytes in the data file; weights follow one another, in this order, with nothing between. */
  bytes: number
}

/** model.json of a sparse export. It has no `modelTopology` or `weightsManifest`, so stock tfjs refuses it. */
export interface SparseModelJson {
  /** "prunekit-sparse", where a stock model.json says "layers-model". */
  format: typeof sparseFormat
  /** The format's version: this loader reads 1. */
  version: 1
  /** The data file's name, beside model.json. */
  data: string
  /** The stock model.json's `modelTopology` (a tfjs-layers or Keras model config). */
  topology: object
  /** Every weight, in the data file's order. */
  weights: SparseWeight[]
  /** The stock model.json's `format`, for example "layers-model". */
  modelFormat?: string
  /** The stock model.json's fields of the same names. */
  generatedBy?: string
  convertedBy?: string | null
  trainingConfig?: io.TrainingConfig
  userDefinedMetadata?: { [key: string]: object }
}
