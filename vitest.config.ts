import { readdirSync, existsSync } from 'node:fs'
import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Tests run on the TypeScript sources of every workspace package (the "@prunekit/source" export condition).
const conditions = ['@prunekit/source', ...defaultServerConditions]
const projects = ['packages', 'apps', 'tools'].flatMap((group) =>
  existsSync(group)
    ? readdirSync(group)
        .filter((name) => existsSync(`${group}/${name}/package.json`))
        .map((name) => ({
          extends: true as const,
          test: { name, root: `${group}/${name}`, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
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
