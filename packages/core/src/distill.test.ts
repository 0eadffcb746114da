import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { blobs, tinyModel, tinyPlugin } from '../test/fixtures.js'
import { setupBackend } from './backend.js'
import { createRegistry } from './create-registry.js'
import { distillationLoss } from './loss.js'
import { magnitude } from './magnitude.js'
import { PrunableModel } from './model.js'
import { runPipeline } from './pipeline.js'
import { createRng } from './rng.js'
import { Trainer } from './trainer.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

const softmax = (z: number[], t = 1): number[] => {
  const e = z.map((v) => Math.exp(v / t))
  const sum = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / sum)
}

/** (1 - a) * CE + a * T^2 * KL(softmax(zt / T) || softmax(zs / T)), by hand, for one row. */
function byHand(label: number, zs: number[], zt: number[], t: number, a: number): number {
  const ce = -Math.log(softmax(zs)[label])
  const p = softmax(zt, t)
  const q = softmax(zs, t)
  const kl = p.reduce((sum, pi, i) => sum + pi * Math.log(pi / q[i]), 0)
  return (1 - a) * ce + a * t * t * kl
}

describe('distillation loss', () => {
  it.each([
    [2, 0.5],
    [1, 0.3],
    [4, 0.9],
    [2, 0],
  ])('matches the formula computed by hand (T %d, alpha %d)', (temperature, alpha) => {
    const student = [
      [1.2, -0.3, 0.4],
      [0.1, 2.0, -1.0],
    ]
    const teacher = [
      [2.5, -1.0, 0.0],
      [-0.5, 1.5, 0.7],
    ]
    const labels = [0, 2]
    const expected = (byHand(labels[0], student[0], teacher[0], temperature, alpha) + byHand(labels[1], student[1], teacher[1], temperature, alpha)) / 2
    // Models end in softmax: the student enters as probabilities, the teacher as log-probabilities.
    const value = tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3)
      const probs = tf.softmax(tf.tensor2d(student))
      const teacherLogProbs = tf.logSoftmax(tf.tensor2d(teacher))
      return distillationLoss(y, probs, teacherLogProbs, { temperature, alpha }).dataSync()[0]
    })
    expect(value).toBeCloseTo(expected, 5)
  })
})

/** Mean KL(teacher || student) over the split at T = 1. */
function meanKl(teacher: PrunableModel, student: PrunableModel, x: tf.Tensor): number {
  return tf.tidy(() => {
    const p = teacher.forward(x)
    const q = student.forward(x)
    return tf.mean(tf.sum(tf.mul(p, tf.sub(tf.log(p), tf.log(q))), -1)).dataSync()[0]
  })
}

describe('distilled fine-tuning', () => {
  it('pulls the pruned student toward the teacher rather than the labels, with no tensor left behind', async () => {
    const train = blobs(3, 192)
    // A teacher that disagrees with the labels (trained on them shifted by one class): only distillation follows it.
    const teacher = new PrunableModel(tinyModel(createRng(9)))
    const shifted = { ...train, y: tf.tidy(() => tf.concat([tf.slice(train.y, [0, 1], [-1, 2]), tf.slice(train.y, [0, 0], [-1, 1])], 1)) }
    await new Trainer({ epochs: 4, optimizer: 'adam', learningRate: 0.02, batchSize: 32, shuffle: true }).fit(teacher, shifted, { task: 'multiclass', rng: createRng(2) })

    const finetune = async (distill: boolean): Promise<number> => {
      const student = new PrunableModel(tinyModel(createRng(1)))
      await magnitude.prune(student, { options: magnitude.options.parse({ sparsity: 0.6 }) }, { rng: createRng(0) })
      const before = tf.memory().numTensors
      const trainer = new Trainer({ epochs: 6, optimizer: 'adam', learningRate: 0.02, batchSize: 32, shuffle: true })
      await trainer.fit(student, train, { task: 'multiclass', rng: createRng(4), ...(distill ? { distill: { teacher, temperature: 2, alpha: 0.9 } } : {}) })
      expect(tf.memory().numTensors).toBe(before)
      const kl = meanKl(teacher, student, train.x)
      student.dispose()
      return kl
    }
    const plain = await finetune(false)
    const distilled = await finetune(true)
    expect(distilled).toBeLessThan(plain * 0.7)
    teacher.dispose()
    tf.dispose([train.x, train.y, shifted.y])
  })

  const pipeline = (distill: Record<string, unknown>) => ({
    seed: 7,
    backend: 'cpu' as const,
    model: { zoo: 'tiny' },
    data: { dataset: 'blobs' },
    train: { learningRate: 0.01, batchSize: 32 },
    pipeline: [{ train: { epochs: 2 } }, { checkpoint: { name: 'dense' } }, { prune: { sparsity: 0.7 } }, { finetune: { epochs: 1, distill } }],
    reporters: [],
  })
  const run = (distill: Record<string, unknown>) => runPipeline(pipeline(distill), { registry: createRegistry({ plugins: [tinyPlugin] }) })

  it('distills from a checkpoint in a pipeline and frees the teacher', async () => {
    await run({ teacher: 'dense' })
    const before = tf.memory().numTensors
    const result = await run({ teacher: 'dense', temperature: 3 })
    expect(tf.memory().numTensors).toBe(before)
    expect(result.steps.at(-1)?.summary).toMatch(/distilled from checkpoint "dense" \(T 3, alpha 0.5\)/)
  })

  it('names the saved checkpoints when the teacher is not one of them', async () => {
    await expect(run({ teacher: 'dens' })).rejects.toThrow(/No checkpoint named "dens". Saved so far: init, dense/)
  })
})
