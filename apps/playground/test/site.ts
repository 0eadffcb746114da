import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

export const appDir = fileURLToPath(new URL('..', import.meta.url))

function filesUnder(dir: string, root = dir, out = new Map<string, Uint8Array>()): Map<string, Uint8Array> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) filesUnder(path, root, out)
    else out.set(`/${relative(root, path)}`, new Uint8Array(readFileSync(path)))
  }
  return out
}

/** Builds the site (vite's JS API, the app's vite.config.ts) into `outDir` and returns its files by URL path. */
export async function buildSite(outDir: string): Promise<Map<string, Uint8Array>> {
  if (!existsSync(join(appDir, 'public/digits.csv'))) execFileSync(process.execPath, [join(appDir, 'scripts/make-digits.mjs')])
  await build({ root: appDir, configFile: join(appDir, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } })
  return filesUnder(outDir)
}
