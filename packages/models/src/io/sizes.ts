import type * as tf from '@tensorflow/tfjs-core'
import { exportFiles, type ExportFormat } from './model-json.js'

/** Bytes of one file, as stored and as an HTTP server would send it compressed. */
export interface FileSize {
  /** As written to disk. */
  raw: number
  /** gzip, level 9 (node:zlib). */
  gzip: number
  /** brotli, quality 11 (node:zlib's default). */
  brotli: number
}

/** The bytes of an export: model.json + its data file, each file compressed on its own (as served). */
export interface ArtifactSizes extends FileSize {
  /** model.json alone. */
  modelJson: FileSize
  /** The data file alone: weights.bin, or the sparse format's data. */
  weights: FileSize
}

/**
 * Measures the files `artifacts` become in `format` (model.json + its data file, exactly as `export` writes them):
 * raw, gzip and brotli bytes, per file and in total. Node.js only (node:zlib, imported on call).
 */
export async function artifactSizes(artifacts: tf.io.ModelArtifacts, format: ExportFormat = 'layers'): Promise<ArtifactSizes> {
  // A module of its own, imported here: a browser bundle of this package never loads node:zlib.
  const { fileSize } = await import('#file-size')
  const files = exportFiles(artifacts, format)
  const modelJson = fileSize(new TextEncoder().encode(files.modelJson))
  const weights = fileSize(files.data.bytes)
  return {
    raw: modelJson.raw + weights.raw,
    gzip: modelJson.gzip + weights.gzip,
    brotli: modelJson.brotli + weights.brotli,
    modelJson,
    weights,
  }
}
