import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const repo = fileURLToPath(new URL('../../', import.meta.url))

describe('README', () => {
  it('runs the pipeline-in-code example as printed, with the quickstart\'s results', async () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8')
    const code = /<!-- example: pipeline-in-code -->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1]
    expect(code).toBeDefined()
    // Inside the workspace, so the packages resolve from node_modules as they do for users.
    const dir = mkdtempSync(join(repo, 'tools', '.readme-'))
    writeFileSync(join(dir, 'example.mjs'), code!)
    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: dir, timeout: 240_000 }).finally(() => rmSync(dir, { recursive: true, force: true }))
    const rows = stdout.trim().split('\n').map((line) => line.split(' '))
    expect(rows.map((r) => r[0])).toEqual(['baseline', 'pruned', 'finetuned'])
    expect(Number(rows[0][2])).toBeGreaterThan(0.94)
    expect(Number(rows[1][3])).toBe(0.9)
  })
})
