import type { Snapshot } from '@prunekit/core'
import { readExport } from '@prunekit/metrics'
import { bytes, readFinite, stageName } from './format.js'
import type { Table } from './tables.js'

/** One exported variant, as the export step measured it after reading its files back. */
export interface ExportVariant {
  /** The snapshot's label (export-<dir>). */
  label: string
  format: string
  dtype: string
  raw: number
  gzip: number
  brotli: number
  /** The float32 export's raw bytes over this variant's gzip bytes: what serving it saves. */
  ratio: number
  accuracy?: number
  /** The largest |reloaded - source| of any layer's weights. */
  worstError: number
}

/** Every snapshot with an `export` entry, in run order. */
export function exportVariants(snapshots: readonly Snapshot[]): ExportVariant[] {
  return snapshots.flatMap((s) => {
    const stats = readExport(s)
    if (!stats) return []
    return [
      {
        label: s.label,
        format: stats.format,
        dtype: stats.dtype,
        raw: stats.raw,
        gzip: stats.gzip,
        brotli: stats.brotli,
        ratio: stats.float32.raw / stats.gzip,
        accuracy: readFinite(s, 'accuracy'),
        worstError: Math.max(0, ...stats.layers.map((l) => l.max)),
      },
    ]
  })
}

const missing = '—'

/** One row per exported variant: its bytes, how much smaller it is than float32, its accuracy after reloading. */
export function exportTable(snapshots: readonly Snapshot[]): Table {
  return {
    header: ['variant', 'storage', 'raw', 'gzip', 'brotli', 'float32 raw ÷ gzip', 'accuracy (reloaded)', 'worst layer error'],
    numeric: [false, false, true, true, true, true, true, true],
    rows: exportVariants(snapshots).map((v) => [
      stageName(v.label),
      `${v.format === 'sparse' ? 'sparse, ' : ''}${v.dtype}`,
      bytes(v.raw),
      bytes(v.gzip),
      bytes(v.brotli),
      `${v.ratio.toFixed(1)}×`,
      v.accuracy === undefined ? missing : v.accuracy.toFixed(4),
      v.worstError === 0 ? '0' : v.worstError.toExponential(2),
    ]),
  }
}
