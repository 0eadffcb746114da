import { createRegistry } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import plugin, { structuredPlugin } from './index.js'

describe('structuredPlugin', () => {
  it('is the default export, so `plugins: [\'@prunekit/strategy-structured\']` loads it', () => {
    expect(plugin).toBe(structuredPlugin)
    expect(structuredPlugin().name).toBe('@prunekit/strategy-structured')
  })

  it('registers l1-units, l2-units, random-units and bn-scale, credited to the package', () => {
    const registry = createRegistry({ plugins: [structuredPlugin()] })
    expect(registry.strategies.names()).toEqual(['magnitude', 'l1-units', 'l2-units', 'random-units', 'bn-scale'])
    expect(registry.strategies.list().filter((e) => e.item.name !== 'magnitude').every((e) => e.source === '@prunekit/strategy-structured')).toBe(true)
  })
})
