import type * as tfl from '@tensorflow/tfjs-layers'
import { exportArtifacts, quantizeArtifacts } from './export-artifacts.js'
import { exportFiles, type ExportFormat } from './model-json.js'

/** The variants `encodedBytes` measures: stock float32 and uint8, and the sparse format of each. */
export type EncodedVariant = 'float32' | 'uint8' | 'sparse' | 'sparse-uint8'

const variants: Array<[EncodedVariant, ExportFormat, boolean]> = [
  ['float32', 'layers', false],
  ['uint8', 'layers', true],
  ['sparse', 'sparse', false],
  ['sparse-uint8', 'sparse', true],
]

/**
 * The exact bytes (model.json + data file) the export step would write for each variant, encoded in
 * memory with the export's defaults; no compression (the export step measures gzip and brotli on its
 * files). Browser-safe. The model's masks must already be applied, as they are during a run.
 */
export async function encodedBytes(model: tfl.LayersModel): Promise<Record<EncodedVariant, number>> {
  const plain = await exportArtifacts(model) // each weight read once, for all four variants
  const uint8 = quantizeArtifacts(plain, model, { quantize: 'uint8' })
  const bytes = {} as Record<EncodedVariant, number>
  for (const [name, format, quantized] of variants) {
    const { modelJson, data } = exportFiles(quantized ? uint8 : plain, format)
    bytes[name] = new TextEncoder().encode(modelJson).byteLength + data.bytes.byteLength
  }
  return bytes
}
