import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createRegistry } from './create-registry.js'
import { DuplicateNameError, PluginError, UnknownNameError } from './errors.js'
import { magnitude } from './magnitude.js'
import { definePlugin } from './registry.js'
import { scoreStrategy } from './score-strategy.js'

const random = scoreStrategy({ name: 'random', description: 'random scores', score: (w) => w })

describe('Registry', () => {
  it('holds core built-ins: magnitude and seven steps', () => {
    const registry = createRegistry()
    expect(registry.strategies.names()).toEqual(['magnitude'])
    expect(registry.steps.names()).toEqual(['train', 'evaluate', 'prune', 'finetune', 'checkpoint', 'restore', 'sensitivity'])
  })

  it('suggests the nearest name and lists what exists for an unknown name', () => {
    const registry = createRegistry()
    const error = (() => {
      try {
        registry.strategies.get('magnitud')
      } catch (e) {
        return e
      }
    })() as UnknownNameError
    expect(error).toBeInstanceOf(UnknownNameError)
    expect(error.message).toBe('unknown strategy "magnitud". Did you mean "magnitude"? Known: magnitude')
    expect(error.suggestion).toBe('magnitude')
  })

  it('refuses duplicates unless overridden', () => {
    const registry = createRegistry()
    expect(() => registry.strategies.add(magnitude)).toThrow(DuplicateNameError)
    registry.strategies.add({ ...magnitude, description: 'mine' }, { override: true })
    expect(registry.strategies.get('magnitude').description).toBe('mine')
  })

  it('credits plugin entries to their source and prefixes plugin errors', () => {
    const registry = createRegistry()
    registry.use(definePlugin({ name: 'rand', register: (r) => r.strategies.add(random) }), './rand.mjs')
    expect(registry.strategies.list().map((e) => [e.item.name, e.source])).toEqual([
      ['magnitude', '@prunekit/core'],
      ['random', './rand.mjs'],
    ])
    const clash = definePlugin({ name: 'clash', register: (r) => r.strategies.add(random) })
    expect(() => registry.use(clash, './clash.mjs')).toThrow(PluginError)
    expect(() => registry.use(clash, './clash.mjs')).toThrow(/^\[plugin:clash\] failed to register \(\.\/clash\.mjs\): A strategy named "random" is already registered by \.\/rand\.mjs/)
  })

  it('validates a score strategy\'s own options together with the shared selection options', () => {
    const scaled = scoreStrategy({ name: 'scaled', description: 'x', options: { factor: z.number().positive().default(2) }, score: (w) => w })
    expect(scaled.options.parse({ sparsity: 0.5 })).toMatchObject({ sparsity: 0.5, factor: 2, scope: 'global' })
    expect(scaled.options.safeParse({ sparsity: 0.5, factor: -1 }).success).toBe(false)
  })
})
