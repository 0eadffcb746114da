import { PrunableModel, prune, setupBackend, type BackendName, type LayerSelector } from '@prunekit/core'
import { exportModel, loadModel, outputIndex, type ExportReport, type FileSize, type QuantizeDtype } from '@prunekit/models'
import { int, percent, textTable } from '@prunekit/reporters/internal'
import { readdir, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { UsageError, type Output } from './commands.js'
import { createCliRegistry } from './default-registry.js'

export interface CompressOptions {
  sparsity: number
  scope: 'global' | 'layer'
  strategy: string
  output?: string | number
  quantize?: QuantizeDtype
  format: 'layers' | 'sparse'
  out: string
  force: boolean
  include?: LayerSelector[]
  exclude?: LayerSelector[]
  minSize?: number
  backend?: BackendName
}

/** Refuses an --out that is a file, or a non-empty directory without --force, before any work is done. */
async function checkOut(out: string, force: boolean): Promise<void> {
  const info = await stat(out).catch(() => undefined)
  if (!info) return checkParent(out)
  if (!info.isDirectory()) throw new UsageError(`--out ${out} is a file, not a directory. Give a directory to write model.json into.`)
  if (!force && (await readdir(out)).length > 0) throw new UsageError(`--out ${out} is not empty. Pass --force to write into it, or give another directory.`)
}

/** A missing --out is created later: its nearest existing ancestor must be a directory. */
async function checkParent(out: string): Promise<void> {
  for (let dir = dirname(resolve(out)); ; dir = dirname(dir)) {
    const info = await stat(dir).catch(() => undefined)
    if (info?.isDirectory()) return
    if (info) throw new UsageError(`--out ${out} cannot be created: ${dir} is a file. Give a directory path.`)
    if (dir === dirname(dir)) return
  }
}

/** Fraction of the kernels' (rank >= 2) entries that are exactly zero: what `prune` reached. */
async function kernelSparsity(model: PrunableModel): Promise<{ zeros: number; total: number }> {
  let zeros = 0
  let total = 0
  for (const ref of model.weights()) {
    if (ref.shape.length < 2) continue
    const values = await ref.variable.read().data()
    for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++
    total += values.length
  }
  return { zeros, total }
}

const times = (dense: number, ours: number): string => `${(dense / ours).toFixed(1)}x`

/** The dense float32 export beside what was written: raw, gzip and brotli bytes, and how many times smaller. */
export function sizeTable(report: ExportReport): string[] {
  const written = `${report.format}, ${report.dtype}`
  const row = (label: string, s: FileSize) => [label, int(s.raw), int(s.gzip), int(s.brotli)]
  return textTable(
    ['export', 'raw bytes', 'gzip', 'brotli'],
    [
      row('dense float32', report.float32),
      row(written, report.sizes),
      ['smaller by', times(report.float32.raw, report.sizes.raw), times(report.float32.gzip, report.sizes.gzip), times(report.float32.brotli, report.sizes.brotli)],
    ],
    [false, true, true, true],
  )
}

/** `prunekit compress`: load a Layers model, prune it, export it (optionally quantized or sparse) and print its sizes. */
export async function compressCommand(path: string, options: CompressOptions, out: Output): Promise<void> {
  await checkOut(options.out, options.force)
  await setupBackend(options.backend ?? 'wasm')
  const model = await loadModel(path)
  const target = new PrunableModel(model, { output: outputIndex(model, options.output, path) })
  const { registry } = await createCliRegistry()
  const pruned = await prune(target, { strategy: options.strategy, registry, sparsity: options.sparsity, scope: options.scope })
  pruned.applyMasks()
  const { zeros, total } = await kernelSparsity(pruned)
  const report = await exportModel(pruned.model, options.out, {
    format: options.format,
    quantize: options.quantize,
    include: options.include,
    exclude: options.exclude,
    minSize: options.minSize,
  })
  out.log(`Pruned ${path} with ${options.strategy} (${options.scope}): ${percent(total ? zeros / total : 0)} of the kernel weights are zero (${int(zeros)} of ${int(total)}).`)
  const quantized = report.dtype === 'float32' ? '' : `, ${report.quantized.length} weight${report.quantized.length === 1 ? '' : 's'} stored as ${report.dtype}`
  out.log(`Wrote ${report.file} (${report.format === 'sparse' ? 'sparse format, load it with @prunekit/sparse-loader' : 'stock tfjs Layers format'}${quantized}).`)
  out.log('')
  for (const line of sizeTable(report)) out.log(line)
}
