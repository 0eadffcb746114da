import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { schemaText } from './commands.js'

describe('schema.json', () => {
  it('is the committed output of `prunekit schema` (run `npm run schema -w prunekit` after changing options)', () => {
    expect(readFileSync(new URL('../schema.json', import.meta.url), 'utf8')).toBe(schemaText())
  })
})
