import { createRegistry, runPipeline, type BackendInfo, type ConfigInput, type Snapshot } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { modelsPlugin } from '@prunekit/models'
import { iterativePlugin } from '@prunekit/strategy-iterative'
import { structuredPlugin } from '@prunekit/strategy-structured'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire, isBuiltin } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import type { Plugin } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleForBrowser, chromiumPath, hasChromium, launchChromium, pageErrors, serveFiles, type StaticServer } from './browser.js'
import { repoRoot } from './run-cli.js'

/** What one run gives back, as plain JSON, the same way in the page and in Node. */
interface Outcome {
  backend?: BackendInfo
  snapshots?: Snapshot[]
  steps?: Array<{ name: string; summary?: string }>
  error?: { name: string; code?: string; message: string }
}

/** What the bundle puts on globalThis. */
interface PageApi {
  prunekit: {
    run(config: ConfigInput): Promise<string>
    numTensors(): Promise<number>
  }
}

const packagesDir = join(repoRoot, 'packages')
const packages = ['@prunekit/core', '@prunekit/models', '@prunekit/datasets', '@prunekit/metrics', '@prunekit/strategy-structured', '@prunekit/strategy-iterative']

// The browser entry: the registry gets its plugins as objects (no `plugins:` strings, nothing to import by name).
const entrySource = `
import * as tf from '@tensorflow/tfjs-core'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createRegistry, runPipeline, setupBackend } from '@prunekit/core'
import { modelsPlugin } from '@prunekit/models'
import { datasetsPlugin } from '@prunekit/datasets'
import { metricsPlugin } from '@prunekit/metrics'
import { structuredPlugin } from '@prunekit/strategy-structured'
import { iterativePlugin } from '@prunekit/strategy-iterative'

// The bundle does not carry the .wasm binaries; without this, tfjs looks for them next to the page.
setWasmPaths('/wasm/')

async function run(config) {
  const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin(), iterativePlugin()] })
  let backend
  try {
    const result = await runPipeline(config, { registry, quiet: true, reporters: [{ onRunStart: (run) => { backend = run.backend } }] })
    return JSON.stringify({ backend, snapshots: result.snapshots, steps: result.steps.map(({ name, summary }) => ({ name, summary })) })
  } catch (error) {
    return JSON.stringify({ error: { name: error.name, code: error.code, message: error.message } })
  }
}

// tf.memory() needs an initialised backend: the one runPipeline sets up.
async function numTensors() {
  await setupBackend('wasm')
  return tf.memory().numTensors
}

globalThis.prunekit = { run, numTensors }
`

/** The entry's run(), in this Node process, on the TypeScript sources. */
async function runInNode(config: ConfigInput): Promise<Outcome> {
  const registry = createRegistry({ plugins: [modelsPlugin(), datasetsPlugin(), metricsPlugin(), structuredPlugin(), iterativePlugin()] })
  let backend: BackendInfo | undefined
  try {
    const result = await runPipeline(config, { registry, quiet: true, reporters: [{ onRunStart: (run) => void (backend = run.backend) }] })
    return JSON.parse(JSON.stringify({ backend, snapshots: result.snapshots, steps: result.steps.map(({ name, summary }) => ({ name, summary })) })) as Outcome
  } catch (error) {
    const { name, code, message } = error as Error & { code?: string }
    return { error: { name, code, message } }
  }
}

const config: ConfigInput = {
  seed: 7,
  backend: 'wasm',
  model: { zoo: 'mlp', units: [16, 8] },
  data: { dataset: 'synthetic', samples: 300 },
  train: { batchSize: 16, learningRate: 0.03 },
  pipeline: [
    { train: { epochs: 2 } },
    { evaluate: { label: 'baseline' } },
    { prune: { strategy: 'magnitude', sparsity: 0.5 } },
    { evaluate: { label: 'pruned' } },
    { prune: { strategy: 'l1-units', sparsity: 0.5 } },
    { evaluate: { label: 'structured' } },
    { finetune: { epochs: 1 } },
    { evaluate: { label: 'finetuned' } },
    { iterate: { rounds: 2, prune: { strategy: 'magnitude', sparsity: [0.6, 0.7] }, finetune: { epochs: 1 } } },
  ],
  reporters: [],
  out: 'out',
}

/**
 * Records every import of a Node.js built-in by a workspace package, and after bundling lists those the entry
 * reaches through static imports only: a browser would load them with the page. Dynamic imports (Node-only
 * code paths) are fine, and so are tfjs's and seedrandom's runtime-guarded require()s, which their
 * package.json "browser" fields map away.
 */
function staticBuiltins(found: string[]): Plugin {
  const builtinImports: Array<{ source: string; importer: string }> = []
  return {
    name: 'prunekit-static-builtins',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer?.startsWith(packagesDir) && isBuiltin(source)) builtinImports.push({ source, importer })
      return null
    },
    generateBundle(_, bundle) {
      const reached = new Set<string>()
      const visit = (id: string): void => {
        if (reached.has(id)) return
        reached.add(id)
        this.getModuleInfo(id)?.importedIds.forEach(visit)
      }
      for (const chunk of Object.values(bundle)) if (chunk.type === 'chunk' && chunk.isEntry && chunk.facadeModuleId) visit(chunk.facadeModuleId)
      for (const { source, importer } of builtinImports) if (reached.has(importer)) found.push(`${relative(repoRoot, importer)} imports ${source}`)
    },
  }
}

const page = (api: string) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>prunekit</title></head>
<body><script type="module" src="${api}"></script></body></html>`

// Without chromium the browser test is skipped on a developer's machine, and fails in CI.
describe.runIf(hasChromium || process.env.CI)('the library (runPipeline with every plugin) in headless Chromium', () => {
  let dir: string
  let server: StaticServer
  let browser: Browser
  let tab: Page
  let errors: string[]
  const builtinsInBundle: string[] = []
  const wasmFiles: string[] = []

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`)
    const require = createRequire(import.meta.url)
    const unbuilt = packages.filter((name) => !existsSync(require.resolve(name)))
    if (unbuilt.length) throw new Error(`${unbuilt.join(', ')} not built: run \`npm run build\` first (npm test does)`)

    dir = mkdtempSync(join(tmpdir(), 'prunekit-browser-'))
    const files = new Map<string, string | Uint8Array>([['/index.html', page('/app/prunekit.js')]])
    for (const [name, code] of await bundleForBrowser(dir, entrySource, [staticBuiltins(builtinsInBundle)])) files.set(`/app/${name}`, code)
    const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')
    for (const name of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) {
      files.set(`/wasm/${name}`, readFileSync(join(wasmDir, name)))
      wasmFiles.push(name)
    }
    server = await serveFiles(files)
    browser = await launchChromium()
    tab = await browser.newPage()
    errors = pageErrors(tab)
    await tab.goto(`${server.url}/`, { waitUntil: 'load' })
    await tab.waitForFunction(() => 'prunekit' in globalThis)
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const runInPage = async (input: ConfigInput): Promise<Outcome> =>
    JSON.parse(await tab.evaluate((c) => (globalThis as unknown as PageApi).prunekit.run(c), input)) as Outcome
  const tensorsInPage = () => tab.evaluate(() => (globalThis as unknown as PageApi).prunekit.numTensors())

  it('bundles for the browser without a static import of a Node.js built-in', () => {
    expect(builtinsInBundle).toEqual([])
  })

  it('trains, prunes (magnitude, l1-units), fine-tunes and iterates on wasm, with the same numbers as Node.js, leaking no tensor', async () => {
    const before = await tensorsInPage()
    const inBrowser = await runInPage(config)
    expect(inBrowser.error).toBeUndefined()
    expect(await tensorsInPage()).toBe(before)

    const inNode = await runInNode(config)
    expect(inNode.error).toBeUndefined()

    // Both run tfjs's single-threaded SIMD build (no SharedArrayBuffer without cross-origin isolation).
    expect(inBrowser.backend).toEqual({ name: 'wasm', simd: true, threads: 1 })
    expect(inNode.backend).toEqual(inBrowser.backend)
    expect(server.requests).toContain('200 /wasm/tfjs-backend-wasm-simd.wasm')

    const labels = ['baseline', 'pruned', 'structured', 'finetuned', 'round-1', 'round-2']
    expect(inBrowser.snapshots!.map((s) => s.label)).toEqual(labels)
    const numbers = (o: Outcome) =>
      o.snapshots!.map(({ label, metrics }) => ({
        label,
        accuracy: metrics.accuracy,
        loss: metrics.loss,
        sparsity: metrics.sparsity,
        params: metrics.params,
        units: (metrics.layers as Array<{ name: string; units: number }>).map((layer) => `${layer.name} ${layer.units}`),
      }))
    expect(numbers(inBrowser)).toEqual(numbers(inNode)) // first the headline numbers, for a readable diff
    expect(inBrowser.snapshots).toEqual(inNode.snapshots) // then everything: layers (units), histograms, size, flops
    const summaries = (o: Outcome) => o.steps!.map((s) => `${s.name}: ${s.summary?.replace(/[\d,]+ samples\/s/, '(speed)')}`)
    expect(summaries(inBrowser)).toEqual(summaries(inNode)) // all but the measured speed

    // Sanity, so that equal numbers mean something: the model learned, and every step did its part.
    const [baseline, pruned, structured, finetuned, round1, round2] = numbers(inBrowser)
    expect(baseline.accuracy).toBeGreaterThan(0.7)
    expect(pruned.sparsity).toBe(0.5)
    expect(structured.params).toMatchObject({ total: 209 }) // 481 params before l1-units halved both hidden layers
    expect(structured.units).toEqual(['dense_1 8', 'dense_2 4', 'output 1'])
    expect(finetuned.sparsity).toBe(structured.sparsity) // fine-tuning kept the carried-over masks
    // Magnitude prunes 60% and 70% of the 196 kernel entries left; sparsity counts against the 456 the model was built with.
    expect([round1.sparsity, round2.sparsity]).toEqual([expect.closeTo(1 - (0.4 * 196) / 456, 2), expect.closeTo(1 - (0.3 * 196) / 456, 2)])
    expect(inBrowser.steps![4].summary).toMatch(/^l1-units: units dense_1 16 -> 8, dense_2 8 -> 4; 481 -> 209 params/)
  }, 180_000)

  it('says that mnist needs Node.js, and what to use in a browser instead', async () => {
    const before = await tensorsInPage()
    const { error } = await runInPage({ ...config, data: { dataset: 'mnist', train: 100, test: 50 } })
    expect(error).toMatchObject({ name: 'DataError', code: 'DATA_INVALID' })
    expect(error!.message).toMatch(/^The mnist dataset reads its files with node:fs: in a browser, use the synthetic or iris dataset/)
    expect(await tensorsInPage()).toBe(before)
  }, 60_000)

  it('logs no console error and no page error, and fetches nothing that is missing', () => {
    expect(errors).toEqual([])
    expect(server.requests.filter((r) => !r.startsWith('200 '))).toEqual([])
    expect(wasmFiles).toContain('tfjs-backend-wasm-simd.wasm')
  })
})
