import { describe, expect, it } from 'vitest'
import { availableParallelism } from 'node:os'
import { estimatedCost, longestFirst, wasmThreadsPerWorker, withWasmThreads } from './balance.js'
import type { TrialTask } from './trial.js'

const task = (id: string, train: unknown, pipeline: unknown[]) => ({ id, config: { data: { dataset: 'mnist', train }, pipeline } }) as unknown as TrialTask

describe('longestFirst', () => {
  it.each([
    ['training epochs, summed over steps', [{ train: { epochs: 3 } }, { prune: {} }, { finetune: { epochs: 2 } }], 8000, 8000 * 6],
    ['epochs nested in a step (iterate)', [{ iterate: { rounds: 3, finetune: { epochs: 2 } } }], 100, 200],
    ['a step without epochs as one', [{ evaluate: {} }, { export: {} }], 10, 20],
    ['a dataset without a train count as one example', [{ train: { epochs: 4 } }], 'all', 4],
  ])('estimates a trial by %s', (_, pipeline, train, cost) => {
    expect(estimatedCost(task('t', train, pipeline))).toBe(cost)
  })

  it('puts the longest trials first and keeps the order of equal ones', () => {
    const short = [{ train: { epochs: 1 } }]
    const long = [{ train: { epochs: 5 } }]
    const tasks = [task('t01', 1000, short), task('t02', 1000, long), task('t03', 1000, short), task('t04', 4000, short), task('t05', 1000, long)]
    expect(longestFirst(tasks).map((t) => t.id)).toEqual(['t02', 't05', 't04', 't01', 't03'])
    expect(tasks.map((t) => t.id)).toEqual(['t01', 't02', 't03', 't04', 't05'])
  })
})

describe('wasm threads per worker', () => {
  it('gives each of n workers the cores left per worker, at least one', () => {
    const cores = availableParallelism()
    expect([wasmThreadsPerWorker(1), wasmThreadsPerWorker(cores), wasmThreadsPerWorker(cores * 4)]).toEqual([cores, 1, 1])
  })

  it.each([[4, 1, 1], [1, 2, 1], [2, 2, 2]])('caps a config of %i threads at %i: %i', (threads, max, expected) => {
    const t = { id: 't01', config: { threads, data: { dataset: 'mnist' }, pipeline: [] } } as unknown as TrialTask
    expect(withWasmThreads(t, max).config.threads).toBe(expected)
    expect(t.config.threads).toBe(threads)
  })
})
