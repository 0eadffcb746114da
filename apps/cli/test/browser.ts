import { existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build, type Plugin } from 'vite'

/** Debian's chromium; .ci/run installs it when it is missing. Nothing is downloaded. */
export const chromiumPath = '/usr/bin/chromium'

export const hasChromium = existsSync(chromiumPath)

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Collects the page's console errors and uncaught exceptions, from now on. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(error.message))
  return errors
}

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
}

export interface StaticServer {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  url: string
  /** Every request as "<status> <path>", in order. */
  requests: string[]
  close(): Promise<void>
}

/** Serves in-memory files (URL path -> content; a path ending in / means its index.html) on 127.0.0.1 at a random port; anything else is a 404. */
export async function serveFiles(files: ReadonlyMap<string, string | Uint8Array>): Promise<StaticServer> {
  const requests: string[] = []
  const server = createServer((request, response) => {
    const requested = new URL(request.url ?? '/', 'http://localhost').pathname
    const path = requested.endsWith('/') ? `${requested}index.html` : requested
    const body = files.get(path)
    requests.push(`${body === undefined ? 404 : 200} ${path}`)
    if (body === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`${path} not found`)
      return
    }
    response.writeHead(200, { 'content-type': mimeTypes[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * Bundles an entry's source for the browser (ESM, not minified) from the packages' built dist, in memory: file name -> code.
 * Node runs the TypeScript sources (vitest's "@prunekit/source" condition), so a stale dist shows up as a difference.
 */
export async function bundleForBrowser(dir: string, entrySource: string, plugins: Plugin[] = []): Promise<Map<string, string>> {
  const entry = join(dir, 'entry.js')
  writeFileSync(entry, entrySource)
  // The entry sits in a temp dir, so its bare imports are resolved from this app, where the workspace packages are.
  const fromApp = fileURLToPath(import.meta.url)
  const workspaceImports: Plugin = {
    name: 'prunekit-workspace-imports',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer === entry && !source.startsWith('.')) return this.resolve(source, fromApp, { skipSelf: true })
      return null
    },
  }
  const result = await build({
    configFile: false,
    root: dir,
    publicDir: false,
    logLevel: 'error',
    plugins: [workspaceImports, ...plugins],
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      reportCompressedSize: false,
      rolldownOptions: { input: entry, output: { format: 'es', entryFileNames: 'prunekit.js', chunkFileNames: '[name].js' } },
    },
  })
  const files = new Map<string, string>()
  for (const output of [result].flat()) {
    if (!('output' in output)) throw new Error('vite build returned a watcher')
    for (const file of output.output) if (file.type === 'chunk') files.set(file.fileName, file.code)
  }
  return files
}
