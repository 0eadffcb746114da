import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createRng, magnitude, PrunableModel, setupBackend } from '@prunekit/core'
import { exportModel, loadModel, type QuantizeDtype } from '@prunekit/models'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumPath, hasChromium, launchChromium, pageErrors } from './browser.js'
import { repoRoot } from './run-cli.js'

const kerasLenet = join(repoRoot, '../shared/fixtures/external/keras-lenet')
const dtypes: QuantizeDtype[] = ['uint8', 'uint16', 'float16']

/** tfjs's own UMD bundles, unmodified: core, the cpu backend and layers put `tf` on the page's globalThis. */
function tfjsBundles(): Map<string, Buffer> {
  const require = createRequire(import.meta.url)
  const dist = (pkg: string, file: string) => readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', file))
  return new Map([
    ['/tf-core.min.js', dist('@tensorflow/tfjs-core', 'tf-core.min.js')],
    ['/tf-backend-cpu.min.js', dist('@tensorflow/tfjs-backend-cpu', 'tf-backend-cpu.min.js')],
    ['/tf-layers.min.js', dist('@tensorflow/tfjs-layers', 'tf-layers.min.js')],
  ])
}

const page = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>stock tfjs</title></head>
<body><script src="/tf-core.min.js"></script><script src="/tf-backend-cpu.min.js"></script><script src="/tf-layers.min.js"></script></body></html>`

/** Serves files gzip-compressed to clients that accept it (as a CDN does), recording what each response carried. */
async function gzipServer(files: Map<string, Buffer>): Promise<{ url: string; sent: Map<string, { encoding: string; bytes: number }>; server: Server }> {
  const sent = new Map<string, { encoding: string; bytes: number }>()
  const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript', json: 'application/json' }
  const server = createServer((request, response) => {
    const requested = new URL(request.url ?? '/', 'http://localhost').pathname
    const path = requested === '/' ? '/index.html' : requested
    const body = files.get(path)
    if (!body) return void response.writeHead(404).end()
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding']))
    const payload = gzip ? gzipSync(body, { level: 9 }) : body
    sent.set(path, { encoding: gzip ? 'gzip' : 'identity', bytes: payload.byteLength })
    const type = types[path.split('.').pop() ?? ''] ?? 'application/octet-stream'
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...(gzip ? { 'content-encoding': 'gzip' } : {}) }).end(payload)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent, server }
}

/** What the page reports after `tf.loadLayersModel(url)`. */
interface InPage {
  /** Weights that are exactly 0 in the pruned source but not after loading. */
  prunedButNotZero: number
  zeros: number
  predictions: number[]
  /** Resource timing for model.json and weights.bin: bytes over the wire and decoded. */
  transfer: Array<{ name: string; encoded: number; decoded: number }>
}

/** Stock tfjs in Node: read the files with node:fs and load them with tf.loadLayersModel, nothing else. */
async function loadStock(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))
  const weightData = new Uint8Array(readFileSync(join(dir, json.weightsManifest[0].paths[0]))).buffer
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }))
}

// Without chromium the browser test is skipped on a developer's machine, and fails in CI.
describe.runIf(hasChromium || process.env.CI)('a quantized export of keras-lenet (pruned to 80%) in headless Chromium, with stock tfjs only', () => {
  const root = mkdtempSync(join(tmpdir(), 'prunekit-quantized-browser-'))
  const files = new Map<string, Buffer>([['/index.html', Buffer.from(page)], ...tfjsBundles()])
  const input = Array.from({ length: 2 * 28 * 28 }, (_, i) => ((i * 7919) % 1000) / 1000)
  let zeroIndices: number[][] = []
  let served: Awaited<ReturnType<typeof gzipServer>>
  let browser: Browser
  let tab: Page
  let errors: string[]

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`)
    await setupBackend('cpu') // the page runs tfjs's cpu backend too, so predictions agree to float rounding
    const model = new PrunableModel(await loadModel(kerasLenet))
    await magnitude.prune(model, { options: magnitude.options.parse({ sparsity: 0.8 }) }, { rng: createRng(1) })
    model.applyMasks()
    zeroIndices = await Promise.all(model.model.weights.map(async (w) => [...(await w.read().data())].flatMap((v, i) => (v === 0 ? [i] : []))))
    for (const dtype of dtypes) {
      const dir = join(root, dtype)
      await exportModel(model.model, dir, { quantize: dtype, minSize: 0 })
      files.set(`/${dtype}/model.json`, readFileSync(join(dir, 'model.json')))
      files.set(`/${dtype}/weights.bin`, readFileSync(join(dir, 'weights.bin')))
    }
    model.model.dispose()
    served = await gzipServer(files)
    browser = await launchChromium()
    tab = await browser.newPage()
    errors = pageErrors(tab)
    await tab.goto(`${served.url}/`, { waitUntil: 'load' })
    await tab.waitForFunction(() => 'tf' in globalThis && 'loadLayersModel' in (globalThis as unknown as { tf: object }).tf)
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    served?.server.closeAllConnections()
    served?.server.close()
    rmSync(root, { recursive: true, force: true })
  })

  it.each(dtypes)('%s: tf.loadLayersModel(url) decodes every pruned weight to 0, predicts as Node.js does, over gzip', async (dtype) => {
    const inPage = await tab.evaluate(
      async ({ url, zeroIndices, input }) => {
        const tf = (globalThis as unknown as { tf: typeof import('@tensorflow/tfjs-core') & typeof import('@tensorflow/tfjs-layers') }).tf
        await tf.setBackend('cpu')
        const model = await tf.loadLayersModel(url)
        let prunedButNotZero = 0
        let zeros = 0
        for (const [i, w] of model.weights.entries()) {
          const values = w.read().dataSync()
          for (const j of zeroIndices[i]) if (values[j] !== 0) prunedButNotZero++
          for (const v of values) if (v === 0) zeros++
        }
        const outputs = model.predict(tf.tensor(input, [2, 28, 28])) as import('@tensorflow/tfjs-core').Tensor[]
        const predictions = [...outputs[outputs.length - 1].dataSync()]
        const transfer = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((e) => e.name.startsWith(url.replace(/model\.json$/, '')))
          .map((e) => ({ name: e.name.split('/').pop()!, encoded: e.encodedBodySize, decoded: e.decodedBodySize }))
        return { prunedButNotZero, zeros, predictions, transfer }
      },
      { url: `${served.url}/${dtype}/model.json`, zeroIndices, input },
    ) as InPage

    expect(inPage.prunedButNotZero).toBe(0)
    expect(inPage.zeros).toBeGreaterThanOrEqual(zeroIndices.reduce((n, z) => n + z.length, 0))

    // The same files, loaded by stock tfjs in Node.js on the same backend.
    const node = await loadStock(join(root, dtype))
    const x = tf.tensor(input, [2, 28, 28])
    const outputs = node.predict(x) as tf.Tensor[]
    const expected = [...(await outputs[outputs.length - 1].data())]
    expect(inPage.predictions).toHaveLength(20)
    inPage.predictions.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 5))
    tf.dispose([x, ...outputs])
    node.dispose()

    // The server sent gzip, and the page received fewer bytes than it decoded.
    for (const name of ['model.json', 'weights.bin']) {
      const record = served.sent.get(`/${dtype}/${name}`)
      expect(record?.encoding, name).toBe('gzip')
      const timing = inPage.transfer.find((t) => t.name === name)
      expect(timing, name).toMatchObject({ encoded: record!.bytes, decoded: files.get(`/${dtype}/${name}`)!.byteLength })
      expect(timing!.encoded).toBeLessThan(timing!.decoded)
    }
  }, 60_000)

  it('logs no console error and no page error', () => {
    expect(errors).toEqual([])
  })
})
