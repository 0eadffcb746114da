import type * as tfl from '@tensorflow/tfjs-layers'
import { exportArtifacts, quantizeArtifacts, type ExportArtifactsOptions } from './export-artifacts.js'
import type { ExportFormat } from './model-json.js'
import type { QuantizeDtype } from './quantize.js'
import { artifactSizes, type ArtifactSizes } from './sizes.js'

/** What `exportModel` wrote, measured on the files' bytes. */
export interface ExportReport {
  /** The model.json written. */
  file: string
  /** The file format: stock tfjs Layers, or sparse (loaded with @prunekit/sparse-loader). */
  format: ExportFormat
  /** How the selected weights are stored. */
  dtype: QuantizeDtype | 'float32'
  /** The weights stored quantized (their names in model.json); empty for float32. */
  quantized: string[]
  /** The files written: model.json + its data file. */
  sizes: ArtifactSizes
  /** The same model exported as stock float32 (dense storage), for comparison. */
  float32: ArtifactSizes
}

const int = (n: number): string => n.toLocaleString('en-US')
const ratio = (dense: number, ours: number): string => `${(dense / ours).toFixed(1)}x`

/** One line: what was written and its bytes, beside the float32 export of the same model. */
export function describeExport(report: ExportReport): string {
  const { sizes, float32 } = report
  const bytes = (s: ArtifactSizes) => `${int(s.raw)} bytes raw, ${int(s.gzip)} gzip, ${int(s.brotli)} brotli`
  const format = report.format === 'sparse' ? 'sparse, ' : ''
  if (report.dtype === 'float32' && !format) return `wrote ${report.file} (float32): ${bytes(sizes)}`
  const stored = report.dtype === 'float32' ? 'float32' : `${report.dtype}, ${report.quantized.length} weights quantized`
  return (
    `wrote ${report.file} (${format}${stored}): ${bytes(sizes)}; ` +
    `float32 ${bytes(float32)} (${ratio(float32.raw, sizes.raw)} raw, ${ratio(float32.gzip, sizes.gzip)} gzip)`
  )
}

export interface ExportModelOptions extends ExportArtifactsOptions {
  /** `layers` (default): model.json + weights.bin, stock; `sparse`: only the non-zero weights, for @prunekit/sparse-loader. */
  format?: ExportFormat
}

/**
 * Writes `model` to `dir`: model.json and its data file, in the stock tfjs Layers format (optionally
 * with stock quantization) or the sparse format, all or nothing, and measures the files. Apply masks
 * first. Node.js only.
 */
export async function exportModel(model: tfl.LayersModel, dir: string, options: ExportModelOptions = {}): Promise<ExportReport> {
  const { writeModelArtifacts } = await import('#node-files')
  const { format = 'layers' } = options
  const dense = await exportArtifacts(model) // each weight read once: the quantized variant is made from these bytes
  const artifacts = quantizeArtifacts(dense, model, options)
  await writeModelArtifacts(dir, artifacts, format)
  const sizes = await artifactSizes(artifacts, format)
  return {
    file: `${dir.replace(/\/+$/, '')}/model.json`,
    format,
    dtype: options.quantize ?? 'float32',
    quantized: (artifacts.weightSpecs ?? []).filter((spec) => spec.quantization).map((spec) => spec.name),
    sizes,
    float32: artifacts === dense && format === 'layers' ? sizes : await artifactSizes(dense),
  }
}
