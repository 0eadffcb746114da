import { configJsonSchema, createRegistry } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import defaultExport, { iterativePlugin } from './index.js'

describe('iterativePlugin', () => {
  it('is the default export, so plugins: [\'@prunekit/strategy-iterative\'] loads it', () => {
    expect(defaultExport).toBe(iterativePlugin)
    expect(iterativePlugin().name).toBe('@prunekit/strategy-iterative')
  })

  it('registers the iterate step, credited to the package; the four schedules are core\'s', () => {
    const registry = createRegistry({ plugins: [iterativePlugin()] })
    expect(registry.steps.list().find((e) => e.item.name === 'iterate')?.source).toBe('@prunekit/strategy-iterative')
    expect(registry.schedules.list().map((e) => [e.item.name, e.source])).toEqual(
      ['constant', 'linear', 'polynomial', 'geometric'].map((name) => [name, '@prunekit/core']),
    )
  })

  it('puts iterate and the schedules into the JSON Schema, for editor completion', () => {
    const schema = JSON.stringify(configJsonSchema(createRegistry({ plugins: [iterativePlugin()] })))
    for (const text of ['"iterate"', '"rewind"', '"control"', '{"const":"polynomial"', '"finalSparsity"', '"frequency"']) expect(schema).toContain(text)
  })
})
