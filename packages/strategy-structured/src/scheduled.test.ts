import { Checkpoint, createRegistry, prune, PrunableModel, runPipeline, setupBackend, type ConfigError, type ConfigInput, type Registry, type Snapshot } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin, readLayers } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import { iterativePlugin } from '@prunekit/strategy-iterative'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { structuredPlugin } from './plugin.js'

const registry = (): Registry => createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), iterativePlugin(), structuredPlugin()] })

/** Dense 6 -> 16 -> 8 -> 3 with seeded random weights. */
function mlp(): PrunableModel {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed })
  return new PrunableModel(
    tfl.sequential({
      layers: [
        tfl.layers.dense({ name: 'dense_1', inputShape: [6], units: 16, activation: 'relu', kernelInitializer: init(1), biasInitializer: 'ones' }),
        tfl.layers.dense({ name: 'dense_2', units: 8, activation: 'relu', kernelInitializer: init(2) }),
        tfl.layers.dense({ name: 'output', units: 3, kernelInitializer: init(3) }),
      ],
    }),
  )
}

const units = (model: PrunableModel) => model.model.layers.map((l) => (l.outputShape as number[]).at(-1))
const hidden = (s: Snapshot) => readLayers(s)!.filter((l) => l.name !== 'output').map((l) => l.units)

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('structured sparsity: a fraction of the units the model was built with', () => {
  it('counts units removed earlier, so a second cut to a higher sparsity removes only the difference', async () => {
    const reg = registry()
    const dense = mlp()
    const half = await prune(dense, { registry: reg, strategy: 'l1-units', sparsity: 0.5 })
    expect(units(half)).toEqual([8, 4, 3])
    const quarter = await prune(half, { registry: reg, strategy: 'l1-units', sparsity: 0.75 })
    expect(units(quarter)).toEqual([4, 2, 3])
    // Reached already: nothing more to remove, the model is returned as it is.
    expect(await prune(quarter, { registry: reg, strategy: 'l1-units', sparsity: 0.75 })).toBe(quarter)
    // ratio is of the units there are now: half of 4 and 2.
    const ratio = await prune(quarter, { registry: reg, strategy: 'l1-units', ratio: 0.5 })
    expect(units(ratio)).toEqual([2, 1, 3])
    for (const m of [dense, half, quarter, ratio]) m.dispose()
  })

  it('keeps maxRatio of the units as built, however many cuts', async () => {
    const reg = registry()
    let model = mlp()
    for (let round = 0; round < 4; round++) {
      const next = await prune(model, { registry: reg, strategy: 'l1-units', ratio: 0.5, maxRatio: 0.75 })
      if (next !== model) model.dispose()
      model = next
    }
    expect(units(model)).toEqual([4, 2, 3])
    model.dispose()
  })

  it('records which original units survive, and a checkpoint taken before the cuts rewinds them exactly', async () => {
    const reg = registry()
    const dense = mlp()
    const init = Checkpoint.capture(dense)
    const [k1, k2] = [dense.model.getLayer('dense_1').getWeights()[0].arraySync() as number[][], dense.model.getLayer('dense_2').getWeights()[0].arraySync() as number[][]]
    const half = await prune(dense, { registry: reg, strategy: 'l2-units', sparsity: 0.5 })
    const quarter = await prune(half, { registry: reg, strategy: 'l2-units', sparsity: 0.75 })
    const [cut1] = quarter.lineage.get('dense_1/kernel')!
    const rows2 = quarter.lineage.get('dense_2/kernel')!.find((c) => c.axis === 0)!
    expect(cut1).toMatchObject({ axis: 1, length: 16 })
    expect(cut1.indices).toHaveLength(4)
    expect(rows2.indices).toEqual(cut1.indices) // dense_2 reads exactly the units dense_1 keeps
    expect(quarter.lineage.get('dense_1/bias')![0].indices).toEqual(cut1.indices)
    // The kept units are the strongest by L2 norm of the original columns.
    const norms = k1[0].map((_, u) => Math.hypot(...k1.map((row) => row[u])))
    const strongest = norms.map((n, u) => [n, u]).sort((a, b) => b[0] - a[0]).slice(0, 4).map(([, u]) => u).sort((a, b) => a - b)
    expect([...cut1.indices]).toEqual(strongest)

    // Trained away from init first, so the rewind has something to undo.
    const zeros = quarter.model.getLayer('dense_1').getWeights().map((w) => tf.zerosLike(w))
    quarter.model.getLayer('dense_1').setWeights(zeros)
    tf.dispose(zeros)
    init.restore(quarter, 'current')
    const [r1, r2] = [quarter.model.getLayer('dense_1').getWeights()[0].arraySync() as number[][], quarter.model.getLayer('dense_2').getWeights()[0].arraySync() as number[][]]
    const cut2 = quarter.lineage.get('dense_2/kernel')!.find((c) => c.axis === 1)!
    r1.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(k1[i][cut1.indices[j]])))
    r2.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(k2[cut1.indices[i]][cut2.indices[j]])))
    expect(quarter.model.getLayer('dense_1').getWeights()[1].arraySync()).toEqual([1, 1, 1, 1])
    // The saved masks cannot come back onto a smaller model: refused, and the model is left as it was.
    expect(() => init.restore(quarter, 'saved')).toThrow(/Cannot restore dense_1\/kernel: the checkpoint was saved before structured pruning made it smaller/)
    // A checkpoint of the smaller model cannot fill a model that still has units it lost.
    const late = Checkpoint.capture(quarter)
    expect(() => late.restore(half, 'current')).toThrow(/Cannot restore dense_1\/kernel: the checkpoint lacks units the model still has/)
    for (const x of [init, late, dense, half, quarter]) x.dispose()
  })
})

const config = (pipeline: ConfigInput['pipeline']): ConfigInput => ({
  seed: 5,
  backend: 'cpu',
  model: { zoo: 'mlp', units: [16, 8] },
  data: { dataset: 'synthetic', samples: 300 },
  train: { learningRate: 0.01, batchSize: 32 },
  pipeline,
  reporters: [],
})
const metrics = ['accuracy', 'params', 'layers']
const run = (pipeline: ConfigInput['pipeline']) => runPipeline(config(pipeline), { registry: registry() })

describe('restore after structured pruning', () => {
  it('brings back the model as saved, architecture and all, to compare strategies on the same trained model', async () => {
    const tensors = tf.memory().numTensors
    const result = await run([
      { train: { epochs: 1 } },
      { checkpoint: { name: 'trained' } },
      { evaluate: { label: 'trained', metrics } },
      { prune: { strategy: 'l1-units', ratio: 0.5 } },
      { evaluate: { label: 'structured', metrics } },
      { restore: { name: 'trained' } },
      { evaluate: { label: 'restored', metrics } },
      { prune: { strategy: 'magnitude', sparsity: 0.5 } },
      { evaluate: { label: 'magnitude', metrics: ['accuracy', 'sparsity', 'layers'] } },
    ])
    const [trained, structured, restored, magnitude] = result.snapshots
    expect(hidden(structured)).toEqual([8, 4])
    expect(restored.metrics).toEqual(trained.metrics)
    expect(hidden(magnitude)).toEqual([16, 8])
    expect(magnitude.metrics.sparsity).toBe(0.5)
    expect(result.steps[5].summary).toBe('restored "trained": the model as saved (209 -> 481 params)')
    expect(tf.memory().numTensors).toBe(tensors)
  })
})

describe('schedules and iterate drive the structured strategies', () => {
  it('iterate: rounds cut to each sparsity of the units as built, with a lottery-ticket rewind and its reinit control', async () => {
    const tensors = tf.memory().numTensors
    const result = await run([
      { train: { epochs: 1 } },
      { iterate: { rounds: 3, prune: { strategy: 'l1-units', sparsity: [0.25, 0.5, 0.75] }, finetune: { epochs: 1 }, rewind: 'init', control: 'reinit', metrics } },
    ])
    const rounds = result.snapshots.filter((s) => /^round-\d$/.test(s.label))
    expect(rounds.map(hidden)).toEqual([
      [12, 6],
      [8, 4],
      [4, 2],
    ])
    const controls = result.snapshots.filter((s) => s.label.endsWith('-reinit'))
    expect(controls.map(hidden)).toEqual(rounds.map(hidden))
    expect(result.steps[1].summary).toMatch(/^3 round\(s\) of l1-units, rewind init: 25\.0% 0\.\d{4} \(reinit 0\.\d{4}\), 50\.0% .*, 75\.0% /)
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('gradual: a polynomial schedule removes units while training, never adding any back', async () => {
    const result = await run([
      { train: { epochs: 3, prune: { strategy: 'l1-units', schedule: { name: 'polynomial', finalSparsity: 0.5, endStep: 20, frequency: 5 } } } },
      { evaluate: { label: 'end', metrics } },
    ])
    expect(hidden(result.snapshots[0])).toEqual([8, 4])
    expect(result.steps[0].summary).toMatch(/l1-units on a polynomial schedule: [3-5] prune\(s\), now at 50\.00% sparsity$/)
  })

  it('keeps Adam\'s step count and moments through train, gradual structured pruning, iterate and finetune', async () => {
    const reg = registry()
    const seen: Array<{ step: number; iterations: number; fits: boolean; moved: boolean }> = []
    let batches = 0
    reg.steps.add({
      name: 'adam-probe',
      description: 'records the run\'s adam state',
      options: z.object({}).strict(),
      async run(ctx) {
        batches = Math.ceil(ctx.data.train.size / 32)
        const adam = ctx.slot.optimizer('adam', 0.01).optimizer as unknown as { iterations_: number; accumulatedFirstMoment: Array<{ variable: tf.Variable }> }
        const moments = adam.accumulatedFirstMoment.map((s) => s.variable)
        const weights = ctx.model.weights()
        seen.push({
          step: ctx.step.index,
          iterations: adam.iterations_,
          fits: moments.length === weights.length && moments.every((m, i) => m.shape.join() === weights[i].shape.join()),
          moved: moments.every((m) => m.dataSync().some((v) => v !== 0)),
        })
      },
    })
    const tensors = tf.memory().numTensors
    await runPipeline(
      config([
        { train: { epochs: 2, prune: { strategy: 'l1-units', schedule: { name: 'polynomial', finalSparsity: 0.5, endStep: 6, frequency: 2 } } } },
        'adam-probe',
        { finetune: { epochs: 1 } },
        'adam-probe',
        { iterate: { rounds: 2, prune: { strategy: 'l1-units', sparsity: [0.6, 0.75] }, finetune: { epochs: 1 } } },
        'adam-probe',
        { finetune: { epochs: 1, prune: { strategy: 'l1-units', schedule: { name: 'constant', sparsity: 0.8, beginStep: 3 } } } },
        'adam-probe',
      ]),
      { registry: reg },
    )
    // Every optimizer step of every fit counts: 2 epochs, then 1, then 2 rounds of 1, then 1.
    expect(seen.map((s) => s.iterations / batches)).toEqual([2, 3, 5, 6])
    expect(seen.every((s) => s.fits && s.moved)).toBe(true)
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('refuses ratio where a schedule or iterate sets the sparsity, and both fractions at once', async () => {
    const error = await run([
      { iterate: { rounds: 2, prune: { strategy: 'l1-units', ratio: 0.5, sparsity: [0.2, 0.4] } } },
      { prune: { strategy: 'l1-units', ratio: 0.5, sparsity: 0.5 } },
      { prune: { strategy: 'l1-units' } },
    ]).then(
      () => expect.unreachable('the config is invalid'),
      (e: unknown) => e as ConfigError,
    )
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'pipeline.0.iterate.prune.ratio: ratio and sparsity exclude each other (a schedule or iterate sets sparsity): remove one',
      'pipeline.1.prune.ratio: ratio and sparsity exclude each other (a schedule or iterate sets sparsity): remove one',
      'pipeline.2.prune.ratio: required: ratio (e.g. 0.5 removes half of the units the model has now) or sparsity (of the units it was built with)',
    ])
  })
})
