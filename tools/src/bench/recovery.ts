import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRegistry, runPipeline, type ConfigInput, type Registry } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin, readNumber, readPattern } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import { structuredPlugin } from '@prunekit/strategy-structured'
import { round, type Row, type Suite } from './measure.js'

/** A zoo model and how it is trained before pruning. */
export interface RecoveryModel {
  zoo: 'lenet-300-100' | 'lenet-5'
  shape: 'flat' | 'image'
  epochs: number
  /** Layers no N:M pattern fits (input axis not a multiple of 4); left out of both 2:4 and its 50% peer. */
  exclude: string[]
}

/** One way to prune and recover, paired with its peer on the same trained model and the same shuffles. */
interface Variant {
  name: string
  comparison: string
  prune: Record<string, unknown>
  distill: boolean
}

export interface RecoveryBenchOptions {
  models?: RecoveryModel[]
  seeds?: number[]
  train?: number
  test?: number
  finetuneEpochs?: number
}

export const recoveryModels: RecoveryModel[] = [
  { zoo: 'lenet-300-100', shape: 'flat', epochs: 5, exclude: [] },
  { zoo: 'lenet-5', shape: 'image', epochs: 3, exclude: ['conv_1', 'conv_2'] },
]

function variants(model: RecoveryModel): Variant[] {
  const exclude = model.exclude.length ? { exclude: model.exclude } : {}
  const u95 = { strategy: 'magnitude', sparsity: 0.95 }
  const s75 = { strategy: 'l1-units', ratio: 0.75 }
  return [
    { name: 'unstructured 50%', comparison: '2:4 vs 50%', prune: { strategy: 'magnitude', sparsity: 0.5, ...exclude }, distill: false },
    { name: '2:4', comparison: '2:4 vs 50%', prune: { strategy: 'magnitude', pattern: '2:4', ...exclude }, distill: false },
    { name: 'unstructured 95%, plain', comparison: 'distill at 95%', prune: u95, distill: false },
    { name: 'unstructured 95%, distilled', comparison: 'distill at 95%', prune: u95, distill: true },
    { name: '75% of units removed, plain', comparison: 'distill, structured 75%', prune: s75, distill: false },
    { name: '75% of units removed, distilled', comparison: 'distill, structured 75%', prune: s75, distill: true },
  ]
}

const registryFor = (): Registry => createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin()] })

const common = (seed: number, train: number, test: number, shape: string): Omit<ConfigInput, 'model' | 'pipeline'> => ({
  seed,
  backend: 'wasm',
  data: { dataset: 'mnist', train, test, shape },
  train: { optimizer: 'adam', learningRate: 0.001, batchSize: 64 },
  reporters: [],
})

/** Trains the dense model once per seed and saves it: every variant loads the same weights. */
async function trainDense(model: RecoveryModel, seed: number, options: Required<Omit<RecoveryBenchOptions, 'models' | 'seeds'>>, dir: string): Promise<number> {
  const result = await runPipeline(
    {
      ...common(seed, options.train, options.test, model.shape),
      model: { zoo: model.zoo },
      out: dir,
      pipeline: [{ train: { epochs: model.epochs } }, { evaluate: { label: 'dense', metrics: ['accuracy'] } }, { export: { dir: 'dense' } }],
    },
    { registry: registryFor(), quiet: true },
  )
  return readNumber(result.snapshots[0], 'accuracy')!
}

/** Prunes the saved dense model one way and fine-tunes it; the teacher (distilled) is the model as loaded: the `init` checkpoint. */
async function recover(model: RecoveryModel, variant: Variant, seed: number, options: Required<Omit<RecoveryBenchOptions, 'models' | 'seeds'>>, dir: string) {
  const metrics = ['accuracy', 'sparsity', ...(variant.prune.pattern ? ['pattern'] : [])]
  const finetune = { epochs: options.finetuneEpochs, resetOptimizer: true, ...(variant.distill ? { distill: { teacher: 'init' } } : {}) }
  const result = await runPipeline(
    {
      ...common(seed, options.train, options.test, model.shape),
      model: { path: join(dir, 'dense', 'model.json') },
      out: dir,
      pipeline: [{ prune: variant.prune }, { evaluate: { label: 'pruned', metrics } }, { finetune }, { evaluate: { label: 'finetuned', metrics } }],
    },
    { registry: registryFor(), quiet: true },
  )
  const [pruned, finetuned] = result.snapshots
  const compliance = readPattern(finetuned)?.layers.every((l) => l.compliance === 1)
  return {
    pruned: readNumber(pruned, 'accuracy')!,
    finetuned: readNumber(finetuned, 'accuracy')!,
    sparsity: readNumber(finetuned, 'sparsity')!,
    compliance,
    seconds: result.steps.find((s) => s.name === 'finetune')?.seconds ?? 0,
  }
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length

/** The recovery suite with other sizes (a test or a slow machine runs it smaller). */
export function recoveryBench(options: RecoveryBenchOptions = {}): Suite {
  const { models = recoveryModels, seeds = [1, 2, 3], train = 8000, test = 2000, finetuneEpochs = 3 } = options
  return {
    name: 'recovery',
    description:
      `2:4 against unstructured 50%, and distillation (teacher: the dense model, T 2, alpha 0.5) against plain fine-tuning at 95% unstructured and with 75% of the units removed (l1-units); ` +
      `mnist ${train} / ${test}, ${finetuneEpochs} fine-tuning epochs with fresh adam, seeds ${seeds.join(', ')}; each pair starts from the same trained model and shuffles. ` +
      'Accuracies are means over the seeds; delta is this row minus the first row of its comparison, in points. Target: distilled >= 0.5 point above plain at 95%',
    async run(log) {
      const rows: Row[] = []
      for (const model of models) {
        const perVariant = new Map<string, Array<Awaited<ReturnType<typeof recover>>>>()
        const dense: number[] = []
        for (const seed of seeds) {
          const dir = mkdtempSync(join(tmpdir(), 'prunekit-recovery-'))
          try {
            dense.push(await trainDense(model, seed, { train, test, finetuneEpochs }, dir))
            for (const variant of variants(model)) {
              const outcome = await recover(model, variant, seed, { train, test, finetuneEpochs }, dir)
              perVariant.set(variant.name, [...(perVariant.get(variant.name) ?? []), outcome])
              log(`${model.zoo} seed ${seed}: ${variant.name}: sparsity ${outcome.sparsity.toFixed(4)}, pruned ${outcome.pruned.toFixed(4)}, fine-tuned ${outcome.finetuned.toFixed(4)}${outcome.compliance === undefined ? '' : `, 2:4 in every group: ${outcome.compliance}`}`)
            }
          } finally {
            rmSync(dir, { recursive: true, force: true })
          }
        }
        const firstOf = new Map<string, number>()
        for (const variant of variants(model)) {
          const outcomes = perVariant.get(variant.name)!
          const finetuned = mean(outcomes.map((o) => o.finetuned))
          if (!firstOf.has(variant.comparison)) firstOf.set(variant.comparison, finetuned)
          const patterned = outcomes.map((o) => o.compliance).filter((c) => c !== undefined)
          rows.push({
            model: model.zoo,
            comparison: variant.comparison,
            variant: variant.name,
            dense: round(mean(dense), 4),
            sparsity: round(mean(outcomes.map((o) => o.sparsity)), 4),
            pruned: round(mean(outcomes.map((o) => o.pruned)), 4),
            finetuned: round(finetuned, 4),
            perSeed: outcomes.map((o) => o.finetuned.toFixed(4)).join(' / '),
            delta: round((finetuned - firstOf.get(variant.comparison)!) * 100, 2),
            finetuneSeconds: round(mean(outcomes.map((o) => o.seconds)), 2),
            pattern: patterned.length ? (patterned.every(Boolean) ? '2:4 in every group' : 'BROKEN') : '',
          })
        }
      }
      return rows
    },
  }
}

export const recoverySuite = recoveryBench()
