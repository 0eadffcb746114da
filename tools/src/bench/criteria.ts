import { builtinSchedules, createRegistry, createRng, evaluateModel, prune, PrunableModel, setupBackend, Trainer, type Dataset, type Registry } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { modelsPlugin } from '@prunekit/models'
import { importancePlugin } from '@prunekit/strategy-importance'
import * as tf from '@tensorflow/tfjs-core'
import type { LayersModel } from '@tensorflow/tfjs-layers'
import { median, round, type Row, type Suite } from './measure.js'

/** How a criterion is applied: one-shot on the trained model, at initialisation (SNIP), or gradually during the fine-tune (movement). */
type When = 'trained' | 'init' | 'gradual'

interface Criterion {
  label: string
  strategy: string
  when: When
}

export const criteria: Criterion[] = [
  { label: 'magnitude', strategy: 'magnitude', when: 'trained' },
  { label: 'taylor', strategy: 'taylor', when: 'trained' },
  { label: 'wanda', strategy: 'wanda', when: 'trained' },
  { label: 'fisher', strategy: 'fisher', when: 'trained' },
  { label: 'snip (at init)', strategy: 'snip', when: 'init' },
  { label: 'magnitude (gradual)', strategy: 'magnitude', when: 'gradual' },
  { label: 'movement (gradual)', strategy: 'movement', when: 'gradual' },
]

export interface CriteriaBenchOptions {
  models?: Array<{ zoo: 'lenet-300-100' | 'lenet-5'; shape: 'flat' | 'image' }>
  seeds?: number[]
  sparsities?: number[]
  train?: number
  test?: number
  epochs?: number
  finetuneEpochs?: number
  criteria?: Criterion[]
}

const settings = { optimizer: 'adam', learningRate: 0.001, batchSize: 64, shuffle: true } as const

async function build(registry: Registry, zoo: string, data: Dataset, seed: number): Promise<PrunableModel> {
  const factory = registry.models.get(zoo)
  return new PrunableModel((await factory.build(factory.options.parse({}), { inputShape: data.featureShape, numClasses: 10, task: 'multiclass', rng: createRng(seed) })) as LayersModel)
}

/** A fresh model of the same architecture holding `source`'s weights. */
async function copyOf(registry: Registry, zoo: string, data: Dataset, source: PrunableModel): Promise<PrunableModel> {
  const model = await build(registry, zoo, data, 0)
  model.model.setWeights(source.model.getWeights())
  return model
}

const accuracy = async (model: PrunableModel, data: Dataset): Promise<number> => (await evaluateModel(model, data.test, data.task)).accuracy

/** One prune, timed, with the tensors its kernels made on the way and any it left behind (the masks it adds are the model's). */
async function costedPrune(model: PrunableModel, strategy: string, sparsity: number, registry: Registry, data: Dataset, seed: number): Promise<{ seconds: number; madeTensors: number; leaked: number }> {
  const [tensors, masks] = [tf.memory().numTensors, model.masks.size]
  const began = performance.now()
  const info = await tf.profile(async () => {
    await prune(model, { strategy, sparsity, registry, data, seed })
    return []
  })
  const seconds = (performance.now() - began) / 1000
  const madeTensors = info.kernels.reduce((n, k) => n + k.outputShapes.length, 0)
  return { seconds, madeTensors, leaked: tf.memory().numTensors - tensors - (model.masks.size - masks) }
}

/** Fine-tunes; with `gradual`, re-prunes on a polynomial schedule to `sparsity` by 80% of the steps (movement watches every step's gradients). */
async function finetune(model: PrunableModel, data: Dataset, registry: Registry, epochs: number, seed: number, gradual?: { strategy: string; sparsity: number }): Promise<void> {
  const trainer = new Trainer({ ...settings, epochs })
  if (!gradual) return void (await trainer.fit(model, data.train, { task: data.task, rng: createRng(seed) }))
  const steps = epochs * Math.ceil(data.train.size / settings.batchSize)
  const schedule = builtinSchedules.polynomial.create(builtinSchedules.polynomial.options.parse({ finalSparsity: gradual.sparsity, endStep: Math.round(steps * 0.8), frequency: 10 }))
  const watch = registry.strategies.get(gradual.strategy).watch?.()
  let current = 0
  try {
    await trainer.fit(model, data.train, {
      task: data.task,
      rng: createRng(seed),
      onGradients: watch ? (g, m) => watch.step(g, m) : undefined,
      afterStep: async (step) => {
        const target = schedule(step)
        if (target === current) return
        current = target
        await prune(model, { strategy: gradual.strategy, sparsity: target, registry, data, seed })
      },
    })
  } finally {
    watch?.close()
  }
}

interface Cell {
  model: string
  criterion: string
  sparsity: number
  seed: number
  oneShot: number | null
  finetuned: number
  seconds: number | null
  madeTensors: number | null
  leaked: number | null
}

async function runModel(zoo: string, shape: 'flat' | 'image', o: Required<CriteriaBenchOptions>, log: (line: string) => void): Promise<Cell[]> {
  const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), importancePlugin()] })
  const data = await registry.datasets.get('mnist').load({ train: o.train, test: o.test, shape }, { seed: 42, rng: createRng(42) })
  const cells: Cell[] = []
  try {
    for (const seed of o.seeds) {
      const init = await build(registry, zoo, data, seed)
      const dense = await copyOf(registry, zoo, data, init)
      await new Trainer({ ...settings, epochs: o.epochs }).fit(dense, data.train, { task: data.task, rng: createRng(seed) })
      log(`${zoo} seed ${seed}: dense ${(await accuracy(dense, data)).toFixed(4)} after ${o.epochs} epochs`)
      for (const c of o.criteria) {
        for (const sparsity of o.sparsities) {
          const model = await copyOf(registry, zoo, data, c.when === 'init' ? init : dense)
          let cost: Awaited<ReturnType<typeof costedPrune>> | undefined
          let oneShot: number | null = null
          if (c.when !== 'gradual') {
            cost = await costedPrune(model, c.strategy, sparsity, registry, data, seed)
            // SNIP prunes the untrained model, which then trains as long as the dense one did.
            if (c.when === 'init') await new Trainer({ ...settings, epochs: o.epochs }).fit(model, data.train, { task: data.task, rng: createRng(seed) })
            oneShot = await accuracy(model, data)
          }
          await finetune(model, data, registry, o.finetuneEpochs, seed + 100, c.when === 'gradual' ? { strategy: c.strategy, sparsity } : undefined)
          const finetuned = await accuracy(model, data)
          log(`${zoo} seed ${seed} ${c.label} ${sparsity}: one-shot ${oneShot?.toFixed(4) ?? '-'}, fine-tuned ${finetuned.toFixed(4)}${cost ? `, ${cost.seconds.toFixed(2)} s` : ''}`)
          cells.push({ model: zoo, criterion: c.label, sparsity, seed, oneShot, finetuned, seconds: cost?.seconds ?? null, madeTensors: cost?.madeTensors ?? null, leaked: cost?.leaked ?? null })
          model.dispose()
        }
      }
      init.dispose()
      dense.dispose()
    }
  } finally {
    data.dispose()
  }
  return cells
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length

/** One row per model, criterion and sparsity: accuracies averaged over the seeds, the prune's cost, and the gap to magnitude. */
function summarise(cells: Cell[]): Row[] {
  const keys = [...new Set(cells.map((c) => `${c.model}|${c.criterion}|${c.sparsity}`))]
  const rows = keys.map((key) => {
    const group = cells.filter((c) => `${c.model}|${c.criterion}|${c.sparsity}` === key)
    const [first] = group
    const oneShots = group.flatMap((c) => (c.oneShot === null ? [] : [c.oneShot]))
    const costs = group.flatMap((c) => (c.seconds === null ? [] : [c]))
    return {
      model: first.model,
      criterion: first.criterion,
      sparsity: first.sparsity,
      seeds: group.length,
      oneShot: oneShots.length ? round(mean(oneShots), 4) : null,
      finetuned: round(mean(group.map((c) => c.finetuned)), 4),
      finetunedMin: round(Math.min(...group.map((c) => c.finetuned)), 4),
      finetunedMax: round(Math.max(...group.map((c) => c.finetuned)), 4),
      pruneSeconds: costs.length ? round(median(costs.map((c) => c.seconds!)), 3) : null,
      pruneTensors: costs.length ? Math.max(...costs.map((c) => c.madeTensors!)) : null,
      leakedTensors: costs.length ? Math.max(...costs.map((c) => c.leaked!)) : null,
    } satisfies Row
  })
  return rows.map((row) => {
    const baseline = rows.find((r) => r.model === row.model && r.sparsity === row.sparsity && r.criterion === 'magnitude')
    return { ...row, vsMagnitudePts: baseline ? round((row.finetuned - baseline.finetuned) * 100, 2) : null }
  })
}

/** The target: at the highest sparsity after fine-tuning, the best criterion at least 1 point above magnitude. */
function verdict(rows: Row[], sparsity: number): string[] {
  return [...new Set(rows.map((r) => r.model as string))].map((model) => {
    const at = rows.filter((r) => r.model === model && r.sparsity === sparsity && r.criterion !== 'magnitude')
    const best = at.reduce((a, b) => ((b.finetuned as number) > (a.finetuned as number) ? b : a))
    const gap = best.vsMagnitudePts as number
    return `${model} at ${sparsity * 100}% after fine-tuning: best ${best.criterion} ${best.finetuned}, ${gap >= 0 ? '+' : ''}${gap} pts against magnitude (target >= +1: ${gap >= 1 ? 'met' : 'missed'})`
  })
}

export function criteriaBench(options: CriteriaBenchOptions = {}): Suite {
  const o: Required<CriteriaBenchOptions> = {
    models: [
      { zoo: 'lenet-300-100', shape: 'flat' },
      { zoo: 'lenet-5', shape: 'image' },
    ],
    seeds: [1, 2, 3],
    sparsities: [0.9, 0.95, 0.98],
    train: 8000,
    test: 2000,
    epochs: 5,
    finetuneEpochs: 2,
    criteria,
    ...options,
  }
  return {
    name: 'criteria',
    description: `Importance criteria against magnitude: ${o.models.map((m) => m.zoo).join(' and ')} on ${o.train} / ${o.test} MNIST digits, seeds ${o.seeds.join(', ')}, global sparsity ${o.sparsities.join(' / ')}, one-shot and after ${o.finetuneEpochs} fine-tuning epoch(s)`,
    async run(log) {
      await setupBackend('wasm')
      const cells: Cell[] = []
      for (const m of o.models) cells.push(...(await runModel(m.zoo, m.shape, o, log)))
      const rows = summarise(cells)
      for (const line of verdict(rows, Math.max(...o.sparsities))) log(line)
      return rows
    },
  }
}

export const criteriaSuite = criteriaBench()
