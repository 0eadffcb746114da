import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createRegistry, createRng, setupBackend } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { unzipSync, zipSync } from 'fflate'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumPath, hasChromium, launchChromium, pageErrors, serveFiles, type StaticServer } from '../../cli/test/browser.js'
import { appDir, buildSite } from './site.js'

const kerasLenet = join(appDir, '../../../shared/fixtures/external/keras-lenet')
const shots = process.env.PLAYGROUND_SHOTS ?? join(tmpdir(), 'prunekit-playground-shots')

/** Stock tfjs only: the zip's model.json and weights.bin into tf.loadLayersModel. */
async function loadStock(zip: Uint8Array): Promise<tfl.LayersModel> {
  const files = unzipSync(zip)
  const json = JSON.parse(new TextDecoder().decode(files['model.json']))
  const weightData = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => files[p]))
  const bytes = new Uint8Array(weightData.reduce((n: number, b: Uint8Array) => n + b.byteLength, 0))
  weightData.reduce((at: number, b: Uint8Array) => (bytes.set(b, at), at + b.byteLength), 0)
  const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights)
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData: bytes.buffer }))
}

/** The page's test split of digits.csv (the csv dataset, seed 42, standardize false) and the model's accuracy on it. */
async function digitsAccuracy(model: tfl.LayersModel, csvText: string): Promise<number> {
  const registry = createRegistry({ plugins: [datasetsPlugin()] })
  const csv = registry.datasets.get('csv')
  const data = await csv.load(csv.options.parse({ text: csvText, standardize: false }), { seed: 42, rng: createRng(42) })
  const accuracy = tf.tidy(() => {
    const scores = model.predict(tf.reshape(data.test.x, [-1, 28, 28])) as tf.Tensor
    return tf.mean(tf.cast(tf.equal(tf.argMax(scores, -1), tf.argMax(data.test.y, -1)), 'float32')).dataSync()[0]
  })
  data.dispose()
  return accuracy
}

/** Files that are not a model prunekit can prune on the chosen data, and what the page must say about each. */
function badInputs(): Array<{ files: string[] | Record<string, Uint8Array>; data: string; error: RegExp }> {
  const dir = mkdtempSync(join(tmpdir(), 'prunekit-playground-bad-'))
  const write = (name: string, json: unknown) => {
    mkdirSync(join(dir, name))
    writeFileSync(join(dir, name, 'model.json'), JSON.stringify(json))
    return join(dir, name, 'model.json')
  }
  const lenet = readFileSync(join(kerasLenet, 'model.json'), 'utf8')
  const shard = join(kerasLenet, 'group1-shard1of1')
  return [
    { files: [join(kerasLenet, 'model.json')], data: 'digits', error: /model\.json lists the weight shard group1-shard1of1, but it is not among the files given \(model\.json\)\. Add group1-shard1of1/ },
    { files: [write('graph', { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] })], data: 'digits', error: /model\.json is not a TensorFlow\.js Layers model: it is a graph model/ },
    // A zip, dropped: its folder is flattened, model.json found inside.
    { files: { 'custom.zip': zipSync({ 'custom/model.json': new TextEncoder().encode(lenet.replaceAll('"Reshape"', '"MyReshape"')), 'custom/group1-shard1of1': new Uint8Array(readFileSync(shard)) }) }, data: 'digits', error: /uses the layer class "MyReshape", which tfjs-layers does not know\. Register it/ },
    { files: [join(kerasLenet, 'model.json'), shard], data: 'iris', error: /Model "file" predicts shape \[10\] but dataset "iris" has targets of shape \[3\] \(3 classes, task multiclass\)\. Pick the model output that matches/ },
  ]
}

/** A real drop event on `selector`, carrying the files as a browser's DataTransfer does. */
async function dropOn(page: Page, selector: string, files: Record<string, Uint8Array>): Promise<void> {
  const entries = Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')] as const)
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer()
    for (const [name, base64] of list) transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name))
    return transfer
  }, entries)
  await page.dispatchEvent(selector, 'drop', { dataTransfer })
  await dataTransfer.dispose()
}

const kernelSparsity = (model: tfl.LayersModel): number => {
  const kernels = model.trainableWeights.filter((w) => w.shape.length > 1).map((w) => w.read().dataSync())
  return kernels.reduce((n, k) => n + k.filter((v) => v === 0).length, 0) / kernels.reduce((n, k) => n + k.length, 0)
}

describe.runIf(hasChromium || process.env.CI)('the playground in headless Chromium', () => {
  let dir: string
  let server: StaticServer
  let browser: Browser
  let site: Map<string, Uint8Array>

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`)
    dir = mkdtempSync(join(tmpdir(), 'prunekit-playground-'))
    mkdirSync(shots, { recursive: true })
    site = await buildSite(join(dir, 'dist'))
    server = await serveFiles(site)
    browser = await launchChromium()
    await setupBackend('wasm')
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** A fresh tab on the page, every request it makes recorded, ready when the worker has sent its catalog. */
  async function open(width = 1280): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, acceptDownloads: true })
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    const errors = pageErrors(page)
    await page.goto(`${server.url}/`)
    await page.waitForSelector('#run:not([disabled])')
    const [paint, ready] = await page.evaluate(() => ['first-contentful-paint', 'prunekit:form-ready'].map((name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN))
    console.log(`playground at ${width} px: first contentful paint ${paint.toFixed(0)} ms, form ready ${ready.toFixed(0)} ms`)
    return { page, requests, errors }
  }

  const sameOrigin = (requests: string[]) => requests.filter((url) => !url.startsWith('data:') && new URL(url).origin !== server.url)

  it('prunes the dropped Keras LeNet to 80%, fine-tunes an epoch, and its download loads in stock tfjs with 80% sparsity and the accuracy the page reported', async () => {
    const { page, requests, errors } = await open()
    await page.setInputFiles('#files', ['model.json', 'group1-shard1of1'].map((f) => join(kerasLenet, f)))
    await expect.poll(() => page.inputValue('#model')).toBe('dropped')
    await page.screenshot({ path: join(shots, 'desktop-dropped.png') })
    expect(await page.inputValue('#model-output')).toBe('Softmax')
    await page.fill('#strategy-sparsity', '0.8')
    await page.fill('#finetune-epochs', '1')
    await page.click('#run')
    await page.waitForSelector('#download-model', { timeout: 90_000 })
    const status = await page.textContent('#status')
    expect(status).toMatch(/Done in [\d.]+ s\. finetuned: accuracy 0\.\d{4}, sparsity 80\.\d\d%\./)
    expect(await page.getAttribute('#status', 'data-tensors')).toBe('0')
    const reported = Number(/accuracy (0\.\d{4})/.exec(status!)![1])
    // The report is report.html's page: its charts and tables, drawn from the run's snapshots.
    const report = page.frameLocator('#report')
    await expect.poll(() => report.locator('#histograms figure').count()).toBe(3)
    expect(await report.locator('#summary tbody tr').count()).toBe(3)
    expect(await report.locator('#charts svg').count()).toBe(2)
    await page.screenshot({ path: join(shots, 'desktop-done.png'), fullPage: true })

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-model')])
    expect(download.suggestedFilename()).toBe('pruned-model.zip')
    const model = await loadStock(new Uint8Array(readFileSync((await download.path())!)))
    expect(kernelSparsity(model)).toBeCloseTo(0.8, 3)
    expect(await digitsAccuracy(model, new TextDecoder().decode(site.get('/digits.csv')))).toBeCloseTo(reported, 4)
    model.dispose()

    const [yaml] = await Promise.all([page.waitForEvent('download'), page.click('#download-yaml')])
    const text = readFileSync((await yaml.path())!, 'utf8')
    expect(text).toMatch(/^model: \{ path: \.\/model\/model\.json, output: Softmax \}$/m)
    expect(text).toMatch(/^data: \{ dataset: csv, path: \.\/digits\.csv, standardize: false \}$/m)
    expect(text).toMatch(/- prune: \{ strategy: magnitude, sparsity: 0\.8 \}/)
    expect(text).toMatch(/- export: \{ dir: model-pruned, format: layers \}/)

    expect(errors).toEqual([])
    expect(sameOrigin(requests)).toEqual([])
    await page.close()
  })

  it('stops a run with the Stop button, explains a missing shard, a graph model, an unknown layer and data that does not fit, and fits a 400 px screen', async () => {
    const { page, requests, errors } = await open(400)
    await page.screenshot({ path: join(shots, 'narrow-start.png'), fullPage: true })
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true)

    await page.selectOption('#model', 'lenet-300-100')
    await page.fill('#train-epochs', '50')
    await page.click('#run')
    await page.waitForFunction(() => /epoch/.test(document.querySelector('#status')?.textContent ?? ''))
    await page.click('#stop')
    await page.waitForSelector('#run:not([disabled])', { timeout: 30_000 })
    expect(await page.textContent('#status')).toMatch(/^Stopped: Interrupted \(stopped on the page\)/)
    expect(await page.getAttribute('#status', 'data-tensors')).toBe('0')
    expect(await page.isVisible('#download-model')).toBe(false)
    await page.screenshot({ path: join(shots, 'narrow-stopped.png'), fullPage: true })

    for (const { files, data, error } of badInputs()) {
      if (Array.isArray(files)) await page.setInputFiles('#files', files)
      else await dropOn(page, '#drop', files)
      await page.selectOption('#data', data)
      await page.fill('#train-epochs', '0')
      await page.click('#run')
      await page.waitForSelector('#error:not([hidden])')
      const shown = await page.textContent('#error')
      expect(shown).toMatch(error)
      expect(shown).not.toMatch(/\n\s+at /) // no stack trace
      expect(await page.getAttribute('#status', 'data-tensors')).toBe('0')
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true)
    }
    await page.screenshot({ path: join(shots, 'narrow-error.png'), fullPage: true })

    expect(errors).toEqual([])
    expect(sameOrigin(requests)).toEqual([])
    await page.close()
  })
})
