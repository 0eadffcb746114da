import { createRegistry } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { datasetsPlugin } from './plugin.js'

describe('datasetsPlugin', () => {
  it('registers mnist, synthetic and iris, credited to the package', () => {
    const registry = createRegistry({ plugins: [datasetsPlugin()] })
    expect(registry.datasets.names()).toEqual(['mnist', 'synthetic', 'iris'])
    expect(registry.datasets.list().map((entry) => entry.source)).toEqual(Array(3).fill('@prunekit/datasets'))
  })

  it.each(['mnist', 'synthetic', 'iris'])('gives %s a description and defaults for every option', (name) => {
    const factory = createRegistry({ plugins: [datasetsPlugin()] }).datasets.get(name)
    expect(factory.description.length).toBeGreaterThan(20)
    expect(factory.options.safeParse({}).success).toBe(true)
  })
})
