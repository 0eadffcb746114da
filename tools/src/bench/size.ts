import { createRegistry, createRng, evaluateModel, prune, PrunableModel, setupBackend, Trainer, type Dataset, type LayerSelector } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { evaluateExport, exportModel, modelsPlugin, type ExportModelOptions } from '@prunekit/models'
import { structuredPlugin } from '@prunekit/strategy-structured'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { round, type Row, type Suite } from './measure.js'

/** One file variant of a model: how `export` writes it, and the targets it is held to. */
export interface SizeVariant {
  name: string
  export: ExportModelOptions
  /** At least this many times smaller, gzipped, than the dense float32 model.json + weights.bin. */
  minGzipRatio?: number
  /** At most this many accuracy points lost against the model in memory. */
  maxPointsLost?: number
}

export const sizeVariants: SizeVariant[] = [
  { name: 'float32', export: {} },
  { name: 'uint16', export: { quantize: 'uint16' }, maxPointsLost: 0.05 },
  { name: 'float16', export: { quantize: 'float16' }, maxPointsLost: 0.05 },
  { name: 'uint8', export: { quantize: 'uint8' }, minGzipRatio: 12, maxPointsLost: 0.3 },
  { name: 'sparse float32', export: { format: 'sparse' }, minGzipRatio: 20 },
  { name: 'sparse uint8', export: { format: 'sparse', quantize: 'uint8' }, minGzipRatio: 20, maxPointsLost: 0.3 },
]

// cnn-small's figures are reported, held to no target.
const cnnVariants: SizeVariant[] = [
  { name: 'float32', export: {} },
  { name: 'uint8', export: { quantize: 'uint8' } },
]

export interface SizeBenchOptions {
  train?: number
  test?: number
  /** LeNet-300-100: epochs before pruning to 90%, then fine-tuning epochs. */
  epochs?: number
  finetuneEpochs?: number
  /** cnn-small: epochs before removing half its filters, then fine-tuning epochs. */
  cnnEpochs?: number
  cnnFinetuneEpochs?: number
  /** Where the variants are written (default: a new temp directory). */
  dir?: string
}

async function fit(model: PrunableModel, data: Dataset, epochs: number, seed: number): Promise<void> {
  const trainer = new Trainer({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true, epochs })
  await trainer.fit(model, data.train, { task: data.task, rng: createRng(seed) })
}

const verdict = (met: boolean | null): string => (met === null ? '' : met ? 'met' : 'missed')

/** Exports `model` as each variant, reads every one back and evaluates it: one row per variant. */
async function measureVariants(name: string, model: PrunableModel, data: Dataset, variants: SizeVariant[], denseRaw: number | undefined, dir: string, log: (line: string) => void): Promise<Row[]> {
  model.applyMasks()
  const inMemory = (await evaluateModel(model, data.test, data.task)).accuracy
  const rows: Row[] = []
  for (const variant of variants) {
    const report = await exportModel(model.model, join(dir, `${name}-${variant.name.replace(/ /g, '-')}`), variant.export)
    const { evaluation, metric } = await evaluateExport(model, report, data)
    // The dense float32 export of this model, unless the caller measured a bigger one (the unpruned model).
    const dense = denseRaw ?? report.float32.raw
    const lost = (inMemory - evaluation.accuracy) * 100
    const gzipRatio = dense / report.sizes.gzip
    const ratioMet = variant.minGzipRatio === undefined ? null : gzipRatio >= variant.minGzipRatio
    const lossMet = variant.maxPointsLost === undefined ? null : lost <= variant.maxPointsLost
    const worst = Math.max(...metric.layers.map((l) => l.max))
    log(`${name} ${variant.name}: ${report.sizes.raw} bytes raw, ${report.sizes.gzip} gzip (${gzipRatio.toFixed(1)}x), accuracy ${evaluation.accuracy.toFixed(4)} (${lost.toFixed(2)} pts lost)`)
    rows.push({
      model: name,
      variant: variant.name,
      rawBytes: report.sizes.raw,
      gzipBytes: report.sizes.gzip,
      brotliBytes: report.sizes.brotli,
      rawRatio: round(dense / report.sizes.raw, 2),
      gzipRatio: round(gzipRatio, 2),
      accuracy: round(evaluation.accuracy, 4),
      pointsLost: round(lost, 3),
      worstLayerError: Number(worst.toPrecision(3)),
      gzipTarget: variant.minGzipRatio === undefined ? '' : `>= ${variant.minGzipRatio}x: ${verdict(ratioMet)}`,
      accuracyTarget: variant.maxPointsLost === undefined ? '' : `<= ${variant.maxPointsLost} pts: ${verdict(lossMet)}`,
    })
  }
  return rows
}

async function build(registry: ReturnType<typeof createRegistry>, zoo: string, data: Dataset): Promise<PrunableModel> {
  const factory = registry.models.get(zoo)
  const built = await factory.build(factory.options.parse({}), { inputShape: data.featureShape, numClasses: 10, task: 'multiclass', rng: createRng(7) })
  return new PrunableModel(built as never)
}

/** The size suite with other sizes (the test runs it small). */
export function sizeBench(options: SizeBenchOptions = {}): Suite {
  const { train = 8000, test = 2000, epochs = 5, finetuneEpochs = 2, cnnEpochs = 3, cnnFinetuneEpochs = 1 } = options
  return {
    name: 'size',
    description:
      `The files each export variant writes (model.json + data file; gzip level 9 and brotli, each file on its own, as served), read back and evaluated on mnist (${train}/${test}, seed 42). ` +
      `LeNet-300-100 trained ${epochs} epochs, pruned to 90% (magnitude, global), fine-tuned ${finetuneEpochs} (the quickstart); cnn-small trained ${cnnEpochs}, half its filters removed (l1-units), fine-tuned ${cnnFinetuneEpochs}. ` +
      'Ratios are against the dense float32 export (raw) of the model before pruning; pointsLost is accuracy lost against the same model in memory; worstLayerError is the largest |reloaded - source| of any weight',
    async run(log) {
      await setupBackend('wasm')
      const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'prunekit-size-bench-'))
      const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), structuredPlugin()] })
      const rows: Row[] = []

      const flat = await registry.datasets.get('mnist').load({ train, test, shape: 'flat' }, { seed: 42, rng: createRng(42) })
      const lenet = await build(registry, 'lenet-300-100', flat)
      try {
        await fit(lenet, flat, epochs, 1)
        const pruned = await prune(lenet, { registry, strategy: 'magnitude', sparsity: 0.9, scope: 'global' })
        await fit(pruned, flat, finetuneEpochs, 2)
        rows.push(...(await measureVariants('lenet-300-100', pruned, flat, sizeVariants, undefined, dir, log)))
      } finally {
        lenet.dispose()
        flat.dispose()
      }

      const images = await registry.datasets.get('mnist').load({ train, test, shape: 'image' }, { seed: 42, rng: createRng(42) })
      const cnn = await build(registry, 'cnn-small', images)
      try {
        await fit(cnn, images, cnnEpochs, 1)
        const dense = await measureVariants('cnn-small', cnn, images, [cnnVariants[0]], undefined, dir, log)
        const include: LayerSelector[] = [{ type: 'Conv2D' }]
        const half = await prune(cnn, { registry, strategy: 'l1-units', ratio: 0.5, include })
        try {
          await fit(half, images, cnnFinetuneEpochs, 2)
          const structured = await measureVariants('cnn-small 50% filters', half, images, cnnVariants, Number(dense[0].rawBytes), dir, log)
          rows.push(...dense, ...structured)
        } finally {
          half.dispose()
        }
      } finally {
        cnn.dispose()
        images.dispose()
      }
      return rows
    },
  }
}

export const sizeSuite = sizeBench()
