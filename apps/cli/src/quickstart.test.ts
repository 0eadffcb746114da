import { resolveConfig } from '@prunekit/core/internal'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createDefaultRegistry } from './default-registry.js'
import { loadConfigFile } from './load-config.js'

describe('examples/quickstart.yaml', () => {
  it('is exactly the embedded default pipeline, written out', async () => {
    const registry = createDefaultRegistry()
    const { raw } = await loadConfigFile(fileURLToPath(new URL('../../../examples/quickstart.yaml', import.meta.url)))
    const { $schema: _schema, ...fromFile } = resolveConfig(raw, registry).config
    expect(fromFile).toEqual(resolveConfig({}, registry).config)
  })
})
