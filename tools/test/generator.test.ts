import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing'
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import strategyGenerator from '../src/generators/strategy/generator.js'

const run = promisify(execFile)
const repo = fileURLToPath(new URL('../../', import.meta.url))

describe('nx g @prunekit/tools:strategy', () => {
  it('scaffolds a strategy plugin package that builds and whose test passes', async () => {
    const tree = createTreeWithEmptyWorkspace()
    await strategyGenerator(tree, { name: 'taylor-abs' })
    const files = tree.listChanges().filter((c) => c.type === 'CREATE' && c.path.startsWith('packages/')).map((c) => c.path)
    expect(files.sort()).toEqual([
      'packages/strategy-taylor-abs/README.md',
      'packages/strategy-taylor-abs/package.json',
      'packages/strategy-taylor-abs/src/index.ts',
      'packages/strategy-taylor-abs/src/strategy.test.ts',
      'packages/strategy-taylor-abs/src/strategy.ts',
      'packages/strategy-taylor-abs/tsconfig.json',
    ])
    const pkg = JSON.parse(tree.read('packages/strategy-taylor-abs/package.json', 'utf8')!)
    expect(pkg.name).toBe('@prunekit/strategy-taylor-abs')
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts')

    // Write it into a temp workspace that shares this repo's installed packages, then build and test it.
    const workspace = mkdtempSync(join(tmpdir(), 'prunekit-gen-'))
    for (const path of files) {
      mkdirSync(dirname(join(workspace, path)), { recursive: true })
      writeFileSync(join(workspace, path), tree.read(path)!)
    }
    copyFileSync(join(repo, 'tsconfig.base.json'), join(workspace, 'tsconfig.base.json'))
    symlinkSync(join(repo, 'node_modules'), join(workspace, 'node_modules'), 'dir')
    const pkgDir = join(workspace, 'packages/strategy-taylor-abs')
    await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: pkgDir })
    const test = await run(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: pkgDir, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } })
    expect(test.stdout).toMatch(/Tests\s+1 passed \(1\)/)
  })

  it.each([['Bad_Name'], ['1abc']])('refuses the name %s', async (name) => {
    await expect(strategyGenerator(createTreeWithEmptyWorkspace(), { name })).rejects.toThrow(/must be kebab-case/)
  })
})
