import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readmeExample } from '../../../tools/test/readme-examples.js'
import { chromiumPath, hasChromium, launchChromium, serveFiles } from './browser.js'
import { repoRoot } from './run-cli.js'

const run = promisify(execFile)
// A user's shell, not vitest's (NODE_ENV=test, VITEST ...), which changes how vite resolves node:* modules.
const userEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
const readme = join(repoRoot, 'README.md')
const indexHtml = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body><script type="module" src="/main.js"></script></body></html>'

/** A user's project inside the workspace (its node_modules is the workspace's), with the README's main.js and index.html. */
function project(name: string): string {
  const dir = mkdtempSync(join(repoRoot, 'apps', 'cli', `.readme-${name}-`))
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'))
  writeFileSync(join(dir, 'main.js'), readmeExample(readme, 'browser').code)
  writeFileSync(join(dir, 'index.html'), indexHtml)
  return dir
}

/** Every file under dir as URL path -> bytes. */
function filesOf(dir: string, skip: (path: string) => boolean = () => false): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>()
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (!skip(path)) files.set(`/${relative(dir, path)}`, readFileSync(path))
    }
  }
  walk(dir)
  return files
}

/** Opens the page, waits for the snippet's console line or an uncaught error, and lists what the server answered. */
async function openPage(browser: Browser, files: Map<string, Uint8Array>) {
  const server = await serveFiles(files)
  const page = await browser.newPage()
  const lines: string[] = []
  const errors: string[] = []
  const uncaught: string[] = []
  page.on('console', (m) => (m.type() === 'error' ? errors : lines).push(m.text()))
  page.on('pageerror', (e) => uncaught.push(e.message))
  await page.goto(`${server.url}/`, { waitUntil: 'load' })
  const deadline = Date.now() + 120_000
  while (!lines.some((l) => l.startsWith('done:')) && !uncaught.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  await page.close()
  await server.close()
  return { lines, errors, uncaught, requests: server.requests }
}


describe.runIf(hasChromium || process.env.CI)("the README's browser snippet, bundled as printed", () => {
  let browser: Browser
  const dirs: string[] = []

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`)
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  // Each README block runs as printed, in the project's directory; index.html and main.js are as the README describes them.
  it.each(['vite', 'esbuild'])('bundles with %s without a node:* module and runs in Chromium with the wasm files served', async (name) => {
    const dir = project(name)
    dirs.push(dir)
    const { stdout, stderr } = await run('bash', ['-euo', 'pipefail', '-c', readmeExample(readme, `wasm-files-${name}`).code], { cwd: dir, timeout: 120_000, env: userEnv })
    const output = `${stdout}\n${stderr}`
    expect(output).not.toMatch(/node:/) // no "Module "node:fs" has been externalized for browser compatibility"
    expect(output).not.toMatch(/externalized/i)
    if (name === 'esbuild') writeFileSync(join(dir, 'dist', 'index.html'), indexHtml)
    const bundle = readdirSync(join(dir, 'dist'), { recursive: true }).filter((f) => String(f).endsWith('.js')).map((f) => readFileSync(join(dir, 'dist', String(f)), 'utf8')).join('\n')
    expect(bundle).not.toMatch(/from ['"]node:|require\(['"]node:|import\(['"]node:/)

    const ok = await openPage(browser, filesOf(join(dir, 'dist')))
    expect([...ok.errors, ...ok.uncaught]).toEqual([])
    expect(ok.lines).toEqual([expect.stringMatching(/^done: accuracy 0\.\d+, params 209$/)]) // l1-units halved 16-8 (481 params) to 8-4
    expect(ok.requests).toContain('200 /wasm/tfjs-backend-wasm-simd.wasm')
    expect(ok.requests.filter((r) => !r.startsWith('200 '))).toEqual([])

    // The same build without the .wasm files: the error says what to do.
    const missing = await openPage(browser, filesOf(join(dir, 'dist'), (path) => path.endsWith('.wasm')))
    expect(missing.lines.filter((l) => l.startsWith('done:'))).toEqual([])
    expect(missing.uncaught).toHaveLength(1)
    expect(missing.uncaught[0]).toMatch(/The wasm backend could not be initialised on this platform\. In a browser .*serve the files of node_modules\/@tensorflow\/tfjs-backend-wasm\/dist\/.*setWasmPaths/)
  }, 240_000)
})
