import { createRegistry, createRng, evaluateModel, layerUnits, prune, PrunableModel, setupBackend, Trainer, unitChanges, type Dataset, type LayerSelector, type SnapshotContext } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { flopsMetric, measureLatency, readFlops } from '@prunekit/metrics'
import { median } from '@prunekit/metrics/internal'
import { modelsPlugin } from '@prunekit/models'
import { describeModel, foldBatchNorm, structuredPlugin } from '@prunekit/strategy-structured'
import { foldableBatchNorms } from '@prunekit/strategy-structured/internal'
import { round, type Row, type Suite } from './measure.js'

/** One comparison: a zoo model trained, then 50% of its units removed by l1-units and fine-tuned. */
export interface StructuredCase {
  model: 'lenet-300-100' | 'cnn-small'
  shape: 'flat' | 'image'
  /** What is pruned, for the report. */
  what: string
  include?: LayerSelector[]
  epochs: number
  finetuneEpochs: number
}

export interface StructuredBenchOptions {
  cases?: StructuredCase[]
  train?: number
  test?: number
  /** Rounds of interleaved latency measurement (dense, pruned, dense, ...); the median round counts. */
  rounds?: number
  batches?: number[]
}

export const structuredCases: StructuredCase[] = [
  { model: 'lenet-300-100', shape: 'flat', what: '50% of hidden units', epochs: 5, finetuneEpochs: 2 },
  { model: 'cnn-small', shape: 'image', what: '50% of filters', include: [{ type: 'Conv2D' }], epochs: 3, finetuneEpochs: 2 },
]

// The targets: latency ratio within 1.25x the FLOPs ratio; accuracy after fine-tuning within 1 point of the dense model.
const latencyTarget = 1.25
const accuracyTarget = 0.01

function snapshotOf(model: PrunableModel, data: Dataset): SnapshotContext {
  return { label: 'bench', model, data, history: [], evaluation: () => evaluateModel(model, data.test, data.task) }
}

async function macsOf(model: PrunableModel, data: Dataset): Promise<number> {
  return readFlops({ metrics: { flops: await flopsMetric.compute(snapshotOf(model, data)) } })!.macs
}

/** Latency of a dense and a pruned model at one batch size: medians (ms) and the median of the per-round ratios. */
interface Timing {
  dense: number
  pruned: number
  ratio: number
}

/** Measures both models round by round, back to back, so machine noise hits both alike; a round is the median of 15 runs. */
async function sideBySide([dense, pruned]: PrunableModel[], batch: number, rounds: number): Promise<Timing> {
  const times = { dense: [] as number[], pruned: [] as number[], ratio: [] as number[] }
  for (let r = 0; r < rounds; r++) {
    const warmup = r === 0 ? 5 : 2
    const [a, b] = [(await measureLatency(dense, batch, { warmup, runs: 15 })).medianMs, (await measureLatency(pruned, batch, { warmup, runs: 15 })).medianMs]
    times.dense.push(a)
    times.pruned.push(b)
    times.ratio.push(b / a)
  }
  return { dense: median(times.dense), pruned: median(times.pruned), ratio: median(times.ratio) }
}

async function fit(model: PrunableModel, data: Dataset, epochs: number, seed: number): Promise<void> {
  const trainer = new Trainer({ optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true, epochs })
  await trainer.fit(model, data.train, { task: data.task, rng: createRng(seed) })
}

async function compare(c: StructuredCase, options: Required<Omit<StructuredBenchOptions, 'cases'>>, log: (line: string) => void): Promise<Row[]> {
  const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), structuredPlugin()] })
  const data = await registry.datasets.get('mnist').load({ train: options.train, test: options.test, shape: c.shape }, { seed: 42, rng: createRng(42) })
  const factory = registry.models.get(c.model)
  const built = await factory.build(factory.options.parse({}), { inputShape: data.featureShape, numClasses: 10, task: 'multiclass', rng: createRng(7) })
  const dense = new PrunableModel(built as never)
  try {
    await fit(dense, data, c.epochs, 1)
    const trained = (await evaluateModel(dense, data.test, data.task)).accuracy
    log(`${c.model}: trained ${c.epochs} epoch(s), accuracy ${trained.toFixed(4)}`)
    const pruned = await prune(dense, { registry, strategy: 'l1-units', ratio: 0.5, ...(c.include ? { include: c.include } : {}) })
    try {
      const atOnce = (await evaluateModel(pruned, data.test, data.task)).accuracy
      const changed = unitChanges(layerUnits(dense), layerUnits(pruned)).filter((c) => c.before !== c.after)
      const units = changed.map((c) => `${c.name} ${c.before}->${c.after}`).join(', ')
      const [denseMacs, prunedMacs] = [await macsOf(dense, data), await macsOf(pruned, data)]
      const latency: Record<number, Timing> = {}
      for (const batch of options.batches) {
        latency[batch] = await sideBySide([dense, pruned], batch, options.rounds)
        log(`${c.model}: batch ${batch}: dense ${latency[batch].dense.toFixed(3)} ms, pruned ${latency[batch].pruned.toFixed(3)} ms`)
      }
      // As deployed: each BatchNorm, and the relu after it, folded into the conv before it (the same function at inference, two passes fewer).
      const folded: Record<number, Timing> = {}
      if (foldableBatchNorms(describeModel(dense.model)).length) {
        const deployed = [new PrunableModel((await foldBatchNorm(dense.model)).model), new PrunableModel((await foldBatchNorm(pruned.model)).model)]
        for (const batch of options.batches) {
          folded[batch] = await sideBySide(deployed, batch, options.rounds)
          log(`${c.model}: BatchNorm folded, batch ${batch}: dense ${folded[batch].dense.toFixed(3)} ms, pruned ${folded[batch].pruned.toFixed(3)} ms`)
        }
        deployed.forEach((m) => m.dispose())
      }
      // Both get the same extra epochs: the dense model keeps training while the pruned one fine-tunes.
      await fit(pruned, data, c.finetuneEpochs, 2)
      await fit(dense, data, c.finetuneEpochs, 2)
      const [denseAccuracy, prunedAccuracy] = [(await evaluateModel(dense, data.test, data.task)).accuracy, (await evaluateModel(pruned, data.test, data.task)).accuracy]
      log(`${c.model}: after ${c.finetuneEpochs} more epoch(s): dense ${denseAccuracy.toFixed(4)}, pruned ${prunedAccuracy.toFixed(4)}`)

      const macsRatio = prunedMacs / denseMacs
      const largest = Math.max(...options.batches)
      // Against the dense model it was cut from (as the quickstart compares), and against one trained as many epochs.
      const [drop, dropSameEpochs] = [trained - prunedAccuracy, denseAccuracy - prunedAccuracy]
      const hasFolded = Object.keys(folded).length > 0
      const columns = (pick: (times: Timing) => number) =>
        Object.fromEntries(
          // Every model gets the folded columns (null without a BatchNorm), so the table keeps its column order.
          options.batches.flatMap((b) => [
            [`batch${b}Ms`, round(pick(latency[b]), 3)],
            [`foldedBatch${b}Ms`, hasFolded ? round(pick(folded[b]), 3) : null],
          ]),
        )
      const against = (times: Record<number, Timing>, what: string) => {
        const ratio = times[largest].ratio / macsRatio
        return `latency/MACs ratio at batch ${largest}${what} ${ratio.toFixed(2)} (target <= ${latencyTarget}: ${ratio <= latencyTarget ? 'met' : 'missed'})`
      }
      const verdict = [
        against(latency, hasFolded ? ' as trained' : ''),
        ...(hasFolded ? [against(folded, ' with BatchNorm folded')] : []),
        `accuracy after fine-tuning ${(-drop * 100).toFixed(2)} pts against the dense model it was cut from (target >= -1: ${drop <= accuracyTarget ? 'met' : 'missed'}), ` +
          `${(-dropSameEpochs * 100).toFixed(2)} pts against dense trained as many epochs (${dropSameEpochs <= accuracyTarget ? 'within' : 'beyond'} 1 point)`,
      ].join('; ')
      log(`${c.model}: ${verdict}`)
      const common = { model: c.model }
      return [
        { ...common, variant: 'dense', units: '', params: dense.model.countParams(), macs: denseMacs, ...columns((t) => t.dense), accuracyAtCut: round(trained, 4), accuracyAfterFinetune: round(denseAccuracy, 4), targets: '' },
        { ...common, variant: `l1-units: ${c.what}`, units, params: pruned.model.countParams(), macs: prunedMacs, ...columns((t) => t.pruned), accuracyAtCut: round(atOnce, 4), accuracyAfterFinetune: round(prunedAccuracy, 4), targets: '' },
        {
          ...common,
          variant: 'pruned / dense',
          units: '',
          params: round(pruned.model.countParams() / dense.model.countParams(), 3),
          macs: round(macsRatio, 3),
          ...columns((t) => t.ratio),
          accuracyAtCut: round(-drop, 4),
          accuracyAfterFinetune: round(-dropSameEpochs, 4),
          targets: verdict,
        },
      ]
    } finally {
      pruned.dispose()
    }
  } finally {
    dense.dispose()
    data.dispose()
  }
}

/** The structured suite with other sizes (the test runs it small). */
export function structuredBench(options: StructuredBenchOptions = {}): Suite {
  const { cases = structuredCases, train = 8000, test = 2000, rounds = 5, batches = [1, 256] } = options
  return {
    name: 'structured',
    description:
      'Dense against structurally pruned (l1-units, 50%), side by side on wasm: params, multiply-accumulates per sample, median latency at ' +
      `batch ${batches.join(' and ')} in ms (folded: each BatchNorm and the relu after it folded into its conv, as deployed), and test accuracy: accuracyAtCut is the dense ` +
      'model when it was cut and the pruned one right after the cut; accuracyAfterFinetune is after the same extra epochs for both (fine-tuning for the pruned one). ' +
      'The pruned / dense row holds ratios (latency: the median of the per-round ratios), and accuracy differences (fine-tuned pruned minus dense at the cut, and minus dense after the same epochs)',
    async run(log) {
      await setupBackend('wasm')
      const rows: Row[] = []
      for (const c of cases) rows.push(...(await compare(c, { train, test, rounds, batches }, log)))
      return rows
    },
  }
}

export const structuredSuite = structuredBench()
