import { createRng, prune, setupBackend } from '@prunekit/core'
import { encodeSparse, lenet300100Model } from '@prunekit/models'
import type * as tf from '@tensorflow/tfjs-core'
import * as tfc from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleForBrowser, chromiumPath, hasChromium, launchChromium, pageErrors, serveFiles, type StaticServer } from './browser.js'

/** A model's weights as saved: the specs, and each float32's bit pattern (-0.0 as +0.0, the one difference the sparse format allows). */
interface SavedWeights {
  specs: tf.io.WeightsManifestEntry[]
  bits: number[]
}

// The page loads the export with stock tfjs and the loader's built dist, and saves what it loaded.
const entrySource = `
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { loadLayersModel } from '@tensorflow/tfjs-layers'
import { sparseIO } from '@prunekit/sparse-loader'

async function load(url) {
  await tf.setBackend('cpu')
  const model = await loadLayersModel(sparseIO(url))
  let saved
  await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: {} })))
  model.dispose()
  return { specs: saved.weightSpecs, bits: Array.from(new Uint32Array(saved.weightData), (b) => (b === 0x80000000 ? 0 : b)) }
}

globalThis.sparse = { load }
`

const page = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>sparse</title></head>
<body><script type="module" src="/app/prunekit.js"></script></body></html>`

async function saved(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts!: tf.io.ModelArtifacts
  await model.save(tfc.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: {} as tf.io.ModelArtifactsInfo })))
  return artifacts
}

// Without chromium the browser test is skipped on a developer's machine, and fails in CI.
describe.runIf(hasChromium || process.env.CI)('a sparse export loaded by @prunekit/sparse-loader in headless Chromium', () => {
  let dir: string
  let server: StaticServer
  let browser: Browser
  let tab: Page
  let errors: string[]
  let source: SavedWeights
  let sizes: { dense: number; sparse: number }

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`)
    if (!existsSync(createRequire(import.meta.url).resolve('@prunekit/sparse-loader'))) throw new Error('@prunekit/sparse-loader is not built: run `npm run build` first (npm test does)')

    // LeNet-300-100 pruned to 90% in Node, exported in the sparse format.
    await setupBackend('wasm')
    const model = (await lenet300100Model.build({}, { inputShape: [784], numClasses: 10, task: 'multiclass', rng: createRng(11) })) as tfl.LayersModel
    ;(await prune(model, { sparsity: 0.9 })).applyMasks()
    const artifacts = await saved(model)
    model.dispose()
    const { modelJson, data } = encodeSparse(artifacts)
    const weightData = artifacts.weightData as ArrayBuffer
    source = { specs: artifacts.weightSpecs!, bits: Array.from(new Uint32Array(weightData), (b) => (b === 0x80000000 ? 0 : b)) }
    sizes = { dense: weightData.byteLength, sparse: data.length }

    dir = mkdtempSync(join(tmpdir(), 'prunekit-sparse-browser-'))
    const files = new Map<string, string | Uint8Array>([
      ['/index.html', page],
      ['/model/model.json', JSON.stringify(modelJson)],
      [`/model/${modelJson.data}`, data],
    ])
    for (const [name, code] of await bundleForBrowser(dir, entrySource)) files.set(`/app/${name}`, code)
    server = await serveFiles(files)
    browser = await launchChromium()
    tab = await browser.newPage()
    errors = pageErrors(tab)
    await tab.goto(`${server.url}/`, { waitUntil: 'load' })
    await tab.waitForFunction(() => 'sparse' in globalThis)
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('loads with tf.loadLayersModel(sparseIO(url)), every weight bit for bit the export\'s source', async () => {
    const inPage = await tab.evaluate(
      (url) => (globalThis as unknown as { sparse: { load(url: string): Promise<SavedWeights> } }).sparse.load(url),
      `${server.url}/model/model.json`,
    )
    expect(inPage.specs).toEqual(source.specs)
    expect(inPage.bits.length).toBe(266_610)
    expect(inPage.bits).toEqual(source.bits)
    // Sanity, so that equal weights mean something: the model was pruned, and the file is the smaller one.
    expect(source.bits.filter((b) => b === 0).length / source.bits.length).toBeGreaterThan(0.85)
    expect(sizes.sparse / sizes.dense).toBeLessThan(0.13)
    expect(server.requests).toEqual(['200 /index.html', '200 /app/prunekit.js', '200 /model/model.json', '200 /model/weights.sparse.bin'])
  }, 120_000)

  it('logs no console error and no page error', () => {
    expect(errors).toEqual([])
  })
})
