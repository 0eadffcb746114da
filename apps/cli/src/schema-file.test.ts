import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { schemaText } from './commands.js'

const at = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url))

describe('the committed JSON Schemas (run `npm run schema -w prunekit` after changing options)', () => {
  it.each([
    ['apps/cli/schema.json', undefined],
    ['examples/schema.json', 'examples/plugins.yaml'],
    ['examples/custom-strategy/schema.json', 'examples/custom-strategy/prunekit.yaml'],
  ])('%s is the output of `prunekit schema` with the plugins of %s', async (file, config) => {
    expect(readFileSync(at(file), 'utf8')).toBe(await schemaText(config && at(config)))
  })

  it('covers the installed first-party plugins always, and a config\'s own plugins only with that config', async () => {
    const [plain, withCustom] = [await schemaText(), await schemaText(at('examples/custom-strategy/prunekit.yaml'))]
    for (const name of ['iterate', 'fold-batchnorm', 'l1-units', 'polynomial', 'taylor', 'sensitivity']) expect(plain).toContain(`"${name}"`)
    // The custom strategy `random` (not the sweep section's `random` draws key).
    expect(withCustom).toContain('"const": "random"')
    expect(plain).not.toContain('"const": "random"')
  })
})
