import { existsSync, readdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Tests run on the TypeScript sources of every workspace package (the "@prunekit/source" export condition).
const conditions = ['@prunekit/source', ...defaultServerConditions]
const root = fileURLToPath(new URL('.', import.meta.url))
// Type tests (test/*.test-d.ts, checked by tsc, never run) in each package that has a test/tsconfig.json:
// one tsc program per package, so a plugin's declaration merging shows only where it is imported.
const project = (name: string, dir: string) => ({
  extends: true as const,
  test: {
    name,
    root: dir,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: {
      enabled: existsSync(join(dir, 'test', 'tsconfig.json')),
      include: ['test/**/*.test-d.ts'],
      tsconfig: 'test/tsconfig.json',
      checker: join(root, 'tools', 'typecheck.mjs'),
    },
  },
})
const projects = [
  ...['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group))
      .filter((name) => existsSync(join(root, group, name, 'package.json')))
      .map((name) => project(name, join(root, group, name))),
  ),
  project('tools', join(root, 'tools')),
]

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default (one fewer than the cores) runs one file at a time on a 2-core machine; most
    // files wait on child processes or a single wasm thread, so two at a time take about 2/3 the time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
