import { createRegistry } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { datasetsPlugin } from './plugin.js'

describe('datasetsPlugin', () => {
  it('registers mnist, synthetic, iris, fashion-mnist, idx and csv, credited to the package', () => {
    const registry = createRegistry({ plugins: [datasetsPlugin()] })
    expect(registry.datasets.names()).toEqual(['mnist', 'synthetic', 'iris', 'fashion-mnist', 'idx', 'csv'])
    expect(registry.datasets.list().map((entry) => entry.source)).toEqual(Array(6).fill('@prunekit/datasets'))
  })

  it.each(['idx', 'csv'])('makes %s name its source: the empty options are refused with the fix', (name) => {
    const result = createRegistry({ plugins: [datasetsPlugin()] }).datasets.get(name).options.safeParse({})
    expect(result.success).toBe(false)
    expect(result.error?.issues[0].message).toMatch(name === 'idx' ? /give dir .* or both trainFiles and testFiles/ : /exactly one of path .* or text/)
  })

  it.each(['mnist', 'synthetic', 'iris', 'fashion-mnist'])('gives %s a description and defaults for every option', (name) => {
    const factory = createRegistry({ plugins: [datasetsPlugin()] }).datasets.get(name)
    expect(factory.description.length).toBeGreaterThan(20)
    expect(factory.options.safeParse({}).success).toBe(true)
  })
})
