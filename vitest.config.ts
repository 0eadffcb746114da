import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Tests run on the TypeScript sources of every workspace package (the "@prunekit/source" export condition).
const conditions = ['@prunekit/source', ...defaultServerConditions]
const root = fileURLToPath(new URL('.', import.meta.url))
const projects = ['packages', 'apps', 'tools'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group))
        .filter((name) => existsSync(join(root, group, name, 'package.json')))
        .map((name) => ({
          extends: true as const,
          test: { name, root: join(root, group, name), include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
        }))
    : [],
)

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
