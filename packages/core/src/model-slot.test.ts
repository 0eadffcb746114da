import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { setupBackend } from './backend.js'
import { createRegistry } from './create-registry.js'
import { PrunableModel } from './model.js'
import { ModelSlot } from './model-slot.js'
import { runPipeline } from './pipeline.js'
import { definePlugin, registerAll } from './registry.js'
import type { RunContext } from './registry.js'
import { defineStep } from './step.js'
import { gather, mlp, slots, smaller, tinyPlugin, train, values } from '../test/fixtures.js'

beforeAll(async () => {
  await setupBackend('cpu')
})

const iterations = (optimizer: tf.Optimizer) => (optimizer as unknown as { iterations_: number }).iterations_

describe('ModelSlot.replace', () => {
  it('carries every held optimizer over the units the new model kept, and disposes the old model', () => {
    const big = new PrunableModel(mlp(6, 3))
    const slot = new ModelSlot(big)
    const adam = slot.optimizer('adam', 0.01)
    const momentum = slot.optimizer('momentum', 0.1, { fresh: true })
    train(big, adam.optimizer, 3)
    train(big, momentum.optimizer, 2)
    const before = {
      adam: slots(adam.optimizer, 'accumulatedSecondMoment').map((s) => s.variable.clone()),
      momentum: slots(momentum.optimizer, 'accumulations').map((s) => s.variable.clone()),
    }
    const small = smaller()
    slot.replace(small)
    expect(slot.current).toBe(small)
    expect(() => big.forward(tf.ones([1, 4]))).toThrow(/disposed/)
    for (const [lease, field, saved] of [[adam, 'accumulatedSecondMoment', before.adam], [momentum, 'accumulations', before.momentum]] as const) {
      const now = slots(lease.optimizer, field)
      expect(values(now[0].variable)).toEqual(gather(saved[0], 1))
      expect(values(now[1].variable)).toEqual(gather(saved[1], 0))
      expect(values(now[2].variable)).toEqual(gather(saved[2], 0))
      expect(values(now[3].variable)).toEqual(values(saved[3]))
    }
    expect([iterations(adam.optimizer), iterations(momentum.optimizer)]).toEqual([3, 2])
    // The same shared state is handed out again for the same settings, on the new model.
    expect(slot.optimizer('adam', 0.01).optimizer).toBe(adam.optimizer)
    tf.dispose([...before.adam, ...before.momentum])
    momentum.release()
    slot.dispose()
  })

  it('leaves no tensor behind: optimizers, checkpoints and the model are freed', () => {
    const tensors = tf.memory().numTensors
    const slot = new ModelSlot(new PrunableModel(mlp(6, 3)))
    train(slot.current, slot.optimizer('adam', 0.01).optimizer, 2)
    slot.checkpoints.save('trained')
    slot.replace(smaller())
    slot.dispose()
    expect(tf.memory().numTensors).toBe(tensors)
  })
})

describe('the run\'s checkpoints', () => {
  it('cannot lose init: it is neither overwritten nor deleted, and no checkpoint object is handed out', () => {
    const slot = new ModelSlot(new PrunableModel(mlp(6, 3)))
    expect(() => slot.checkpoints.save('init')).toThrow('The checkpoint name "init" is reserved for the model as built or loaded; choose another name.')
    expect(() => slot.checkpoints.delete('init')).toThrow('The "init" checkpoint belongs to the run and cannot be deleted.')
    const copy = slot.checkpoints.weight('init', 'dense_1/kernel')!
    copy.dispose() // a copy: disposing it leaves the saved weight intact
    const again = slot.checkpoints.weight('init', 'dense_1/kernel')!
    expect(again.shape).toEqual([4, 6])
    again.dispose()
    expect(Object.keys(slot.checkpoints).sort()).toEqual(['delete', 'has', 'model', 'names', 'restore', 'save', 'weight'])
    slot.dispose()
  })

  it('rebuilds a saved model beside the current one (a distillation teacher), which the caller owns', async () => {
    const slot = new ModelSlot(new PrunableModel(mlp(6, 3)))
    const tensors = tf.memory().numTensors
    const teacher = await slot.checkpoints.model('init')
    expect(teacher).not.toBe(slot.current)
    const saved = slot.checkpoints.weight('init', 'dense_1/kernel')!
    expect(await teacher.weights()[0].variable.read().data()).toEqual(await saved.data())
    saved.dispose()
    teacher.dispose()
    expect(tf.memory().numTensors).toBe(tensors)
    expect(slot.checkpoints.has('init')).toBe(true)
    slot.dispose()
  })

  it('refuses to rewind a checkpoint into a model rewritten since, and brings back the model as saved instead', async () => {
    const slot = new ModelSlot(new PrunableModel(mlp(6, 3)))
    const rewritten = new PrunableModel(mlp(6, 4)) // same keys and shapes, other values: as a fold leaves it
    slot.replace(rewritten, { rewrittenBy: 'a test fold' })
    await expect(slot.checkpoints.restore('init', 'current')).rejects.toThrow('Cannot rewind to checkpoint "init": a test fold rewrote the model\'s weights since it was saved.')
    expect(await slot.checkpoints.restore('init')).toMatch(/^restored "init": the model as saved/)
    expect(slot.current).not.toBe(rewritten)
    // Back at the saved model's generation: rewinding is allowed again.
    expect(await slot.checkpoints.restore('init', 'current')).toBe('restored "init"')
    slot.dispose()
  })
})

describe('in a pipeline', () => {
  /** A plugin step that runs `body` with the run context. */
  const withStep = (body: (ctx: RunContext) => unknown) =>
    createRegistry({
      plugins: [
        tinyPlugin,
        definePlugin({
          name: 'hostile',
          register: (r) => registerAll(r, { steps: [defineStep({ name: 'hostile', description: 'test step', options: z.object({}).strict(), run: async (ctx) => void (await body(ctx)) })] }),
        }),
      ],
    })
  const config = { seed: 3, backend: 'cpu', model: { zoo: 'tiny' }, data: { dataset: 'blobs' }, pipeline: ['hostile', { restore: { name: 'init' } }], reporters: [] }

  it.each([
    ['deletes init', (ctx: RunContext) => ctx.slot.checkpoints.delete('init'), 'cannot be deleted'],
    ['overwrites init', (ctx: RunContext) => ctx.slot.checkpoints.save('init'), 'is reserved'],
    ['assigns the model', (ctx: RunContext) => ((ctx as { model: PrunableModel }).model = ctx.model), 'which has only a getter'],
  ])('a plugin step that %s fails, and init is still there to restore', async (_case, body, message) => {
    await expect(runPipeline(config, { registry: withStep(body) })).rejects.toThrow(message)
    const tensors = tf.memory().numTensors
    const result = await runPipeline({ ...config, pipeline: [{ restore: { name: 'init' } }] }, { registry: withStep(() => {}) })
    expect(result.steps[0].summary).toBe('restored "init"')
    expect(tf.memory().numTensors).toBe(tensors)
  })
})
