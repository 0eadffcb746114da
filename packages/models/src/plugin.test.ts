import { createRegistry } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { modelsPlugin } from './plugin.js'

describe('modelsPlugin', () => {
  it('registers the zoo, the file loader and the export step, credited to the package', () => {
    const registry = createRegistry({ plugins: [modelsPlugin()] })
    expect(registry.models.names()).toEqual(['mlp', 'seed-mlp', 'lenet-300-100', 'lenet-5', 'cnn-small', 'resnet-mini', 'mobilenet-mini', 'vgg-mini', 'file'])
    expect(registry.steps.list().filter((e) => e.source === '@prunekit/models').map((e) => e.item.name)).toEqual(['export'])
    expect(new Set(registry.models.list().map((entry) => entry.source))).toEqual(new Set(['@prunekit/models']))
  })

  it.each(['mlp', 'seed-mlp', 'lenet-300-100', 'lenet-5', 'cnn-small', 'resnet-mini', 'mobilenet-mini', 'vgg-mini'])('gives %s a description and defaults for every option', (name) => {
    const factory = createRegistry({ plugins: [modelsPlugin()] }).models.get(name)
    expect(factory.description.length).toBeGreaterThan(20)
    expect(factory.options.safeParse({}).success).toBe(true)
  })
})
