import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { canonicalReport } from '../src/api/canonical.js'
import { discoverApiEntries, extractApis } from '../src/api/extract.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('API reports', () => {
  it('covers every published package found on disk, each subpath with types', () => {
    const entries = discoverApiEntries(root)
    const names = new Set(entries.map((e) => e.packageName))
    expect([...names]).toEqual(expect.arrayContaining(['@prunekit/core', '@prunekit/models', 'prunekit']))
    expect(entries.map((e) => relative(root, e.report))).toContain('packages/core/api/core.node.api.md')
  })

  // Reads the built dist/*.d.ts: `npm test` builds first.
  it('match the committed api/*.api.md of every package', () => {
    const results = extractApis(discoverApiEntries(root), { update: false })
    const problems = results
      .filter((r) => r.status !== 'same')
      .map(({ entry, status, messages }) => {
        const where = `${entry.packageName} (${entry.subpath}): ${relative(root, entry.report)}`
        if (status === 'missing') return `${where} is missing: run \`npm run api\` and commit it`
        if (status === 'changed') return `${where} differs from the public API as built: run \`npm run api\`, review the diff and commit it`
        return `${where}: API Extractor failed:\n  ${messages.join('\n  ')}`
      })
    expect(problems, problems.join('\n')).toEqual([])
  })

  it('reads a union (and a zod enum object) the same in either order, and nothing else', () => {
    const clean = 'scope: "global" | "layer";\nconst e: {\n    global: "global";\n    layer: "layer";\n};'
    const incremental = 'scope: "layer" | "global";\nconst e: {\n    layer: "layer";\n    global: "global";\n};'
    expect(canonicalReport(incremental)).toBe(canonicalReport(clean))
    expect(canonicalReport(clean.replace('| "layer"', '| "layers"'))).not.toBe(canonicalReport(clean))
    expect(canonicalReport('f(a: number, b: string): void')).toBe('f(a: number, b: string): void')
  })
})
