import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

export const appDir = fileURLToPath(new URL('..', import.meta.url))

function filesUnder(dir: string, root = dir, out = new Map<string, Uint8Array>()): Map<string, Uint8Array> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) filesUnder(path, root, out)
    else out.set(`/${relative(root, path)}`, new Uint8Array(readFileSync(path)))
  }
  return out
}

/**
 * Builds the site into `outDir` with vite (the app's vite.config.ts) and returns its files by URL path. In a
 * process of its own: the build reads the registry in Node from the packages' built dist, which this test
 * process (on the TypeScript sources, through the "@prunekit/source" condition) cannot import natively.
 */
export async function buildSite(outDir: string): Promise<Map<string, Uint8Array>> {
  if (!existsSync(join(appDir, 'public/digits.csv'))) execFileSync(process.execPath, [join(appDir, 'scripts/make-digits.mjs')])
  const vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '../bin/vite.js')
  const { NODE_OPTIONS: _, ...env } = process.env
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], { cwd: appDir, env, stdio: ['ignore', 'ignore', 'pipe'] })
  return filesUnder(outDir)
}
