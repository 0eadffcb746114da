import type * as tfl from '@tensorflow/tfjs-layers'
import { exportArtifacts, type ExportArtifactsOptions } from './export-artifacts.js'
import type { QuantizeDtype } from './quantize.js'
import { artifactSizes, type ArtifactSizes } from './sizes.js'

/** What `exportModel` wrote, measured on the files' bytes. */
export interface ExportReport {
  /** The model.json written. */
  file: string
  /** How the selected weights are stored. */
  dtype: QuantizeDtype | 'float32'
  /** The weights stored quantized (their names in model.json); empty for float32. */
  quantized: string[]
  /** The files written: model.json + weights.bin. */
  sizes: ArtifactSizes
  /** The same model exported as float32 (dense storage), for comparison. */
  float32: ArtifactSizes
}

const int = (n: number): string => n.toLocaleString('en-US')
const ratio = (dense: number, ours: number): string => `${(dense / ours).toFixed(1)}x`

/** One line: what was written and its bytes, beside the float32 export of the same model. */
export function describeExport(report: ExportReport): string {
  const { sizes, float32 } = report
  const bytes = (s: ArtifactSizes) => `${int(s.raw)} bytes raw, ${int(s.gzip)} gzip, ${int(s.brotli)} brotli`
  if (report.dtype === 'float32') return `wrote ${report.file} (float32): ${bytes(sizes)}`
  return (
    `wrote ${report.file} (${report.dtype}, ${report.quantized.length} weights quantized): ${bytes(sizes)}; ` +
    `float32 ${bytes(float32)} (${ratio(float32.raw, sizes.raw)} raw, ${ratio(float32.gzip, sizes.gzip)} gzip)`
  )
}

/**
 * Writes `model` to `dir` as model.json + weights.bin (stock tfjs Layers format, optionally with stock
 * quantization), all or nothing, and measures the files. Apply masks first. Node.js only.
 */
export async function exportModel(model: tfl.LayersModel, dir: string, options: ExportArtifactsOptions = {}): Promise<ExportReport> {
  const { writeModelArtifacts } = await import('./node-files.js')
  const dense = await exportArtifacts(model)
  const artifacts = options.quantize ? await exportArtifacts(model, options) : dense
  await writeModelArtifacts(dir, artifacts)
  const sizes = await artifactSizes(artifacts)
  return {
    file: `${dir.replace(/\/+$/, '')}/model.json`,
    dtype: options.quantize ?? 'float32',
    quantized: (artifacts.weightSpecs ?? []).filter((spec) => spec.quantization).map((spec) => spec.name),
    sizes,
    float32: artifacts === dense ? sizes : await artifactSizes(dense),
  }
}
