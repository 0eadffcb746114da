import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { describe, expect, it } from 'vitest'

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url))

/** The loader's built JS as a browser app ships it: bundled and minified by vite, every export kept. */
async function minifiedBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sparse-loader-size-'))
  try {
    const entry = join(dir, 'entry.js')
    writeFileSync(entry, `export * from ${JSON.stringify(dist)}\n`)
    const result = await build({
      configFile: false,
      root: dir,
      publicDir: false,
      logLevel: 'error',
      build: { write: false, minify: true, target: 'es2022', reportCompressedSize: false, rolldownOptions: { input: entry, preserveEntrySignatures: 'strict', output: { format: 'es' } } },
    })
    const chunks = [result].flat().flatMap((r) => ('output' in r ? r.output : [])).filter((f) => f.type === 'chunk')
    return chunks.map((c) => c.code).join('')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('the loader\'s size', () => {
  it('is at most 3 kB gzipped, bundled and minified, and imports nothing', async () => {
    expect(existsSync(dist), 'run `npm run build` first (npm test does)').toBe(true)
    const code = await minifiedBundle()
    const gzipped = gzipSync(code, { level: 9 }).length
    console.log(`@prunekit/sparse-loader: ${code.length} bytes minified, ${gzipped} bytes gzipped`)
    expect(code).toMatch(/prunekit-sparse/)
    expect(code).not.toMatch(/\bimport\b|tensorflow/)
    expect(gzipped).toBeLessThanOrEqual(3072)
  })
})
