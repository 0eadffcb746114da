import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { ModelError, setupBackend } from '@prunekit/core'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadModel, saveModel } from './load.js'

/** A tiny model (Dense 4 -> 3, 15 floats) saved as model.json + weights.bin in a fresh directory of its own. */
async function tinyModelDir(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'prunekit-hostile-'))
  const dir = join(root, 'model')
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4], name: 'd' })] })
  await saveModel(model, dir)
  model.dispose()
  writeFileSync(join(root, 'secret.txt'), 'x'.repeat(60))
  return dir
}

type Json = { weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }> }
const editJson = (dir: string, edit: (json: Json) => void) => {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Json
  edit(json)
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json))
}
const setFloat = (dir: string, index: number, value: number) => {
  const bytes = readFileSync(join(dir, 'weights.bin'))
  bytes.writeFloatLE(value, index * 4)
  writeFileSync(join(dir, 'weights.bin'), bytes)
}
/** weights.bin split into two shards (32 + 28 bytes), optionally with extra bytes after the first. */
const twoShards = (dir: string, extra: number) => {
  const bytes = readFileSync(join(dir, 'weights.bin'))
  writeFileSync(join(dir, 'a.bin'), Buffer.concat([bytes.subarray(0, 32), Buffer.alloc(extra)]))
  writeFileSync(join(dir, 'b.bin'), bytes.subarray(32))
  editJson(dir, (j) => (j.weightsManifest[0].paths = ['a.bin', 'b.bin']))
}
const shardPath = (path: string) => (dir: string) => editJson(dir, (j) => (j.weightsManifest[0].paths = [path]))
const mkfifo = (path: string) => execFileSync('mkfifo', [path])

let server: Server
/** Directories the test server serves, each under /<index>/. */
const served: string[] = []
const urlOf = (dir: string) => `${base}/${served.push(dir) - 1}/model.json`
let base = ''
beforeAll(async () => {
  await setupBackend('cpu')
  server = createServer((req, res) => {
    const [, id, ...rest] = new URL(req.url ?? '/', 'http://x').pathname.split('/')
    const dir = served[Number(id)] ?? ''
    const path = rest.join('/')
    if (path === 'endless.bin') {
      // a stream that never ends, like /dev/zero behind a URL: the loader must stop at the declared size
      const chunk = Buffer.alloc(65536)
      const pump = () => {
        while (res.write(chunk));
        res.once('drain', pump)
      }
      res.on('close', () => res.removeAllListeners('drain'))
      return pump()
    }
    try {
      res.end(readFileSync(join(dir, path)))
    } catch {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((done) => server.close(() => done())))

describe('loadModel on hostile files', () => {
  it.each<[string, (dir: string) => void, RegExp]>([
    ['a shard path escaping with ..', (dir) => (writeFileSync(join(dir, '..', 'elsewhere.bin'), Buffer.alloc(60)), shardPath('../elsewhere.bin')(dir)), /lists the weight shard \.\.\/elsewhere\.bin, which resolves to .*elsewhere\.bin, outside the model directory/],
    ['a shard path to /etc/passwd through ..', shardPath('../../../../../../../../etc/passwd'), /outside the model directory/],
    ['an absolute shard path', shardPath('/etc/passwd'), /lists the shard "\/etc\/passwd"; a shard is a path relative to model\.json/],
    ['a URL as shard path', shardPath('file:///etc/passwd'), /a shard is a path relative to model\.json/],
    ['a shard symlinked to /dev/zero', (dir) => (symlinkSync('/dev/zero', join(dir, 'zero.bin')), shardPath('zero.bin')(dir)), /zero\.bin, which resolves to \/dev\/zero, outside the model directory/],
    ['a shard symlinked to a secret outside', (dir) => (symlinkSync(join(dir, '..', 'secret.txt'), join(dir, 's.bin')), shardPath('s.bin')(dir)), /s\.bin, which resolves to .*secret\.txt, outside the model directory/],
    ['model.json that is a FIFO', (dir) => (writeFileSync(join(dir, 'x'), ''), truncateSync(join(dir, 'x')), mkfifo(join(dir, 'fifo.json')), symlinkSync(join(dir, 'fifo.json'), join(dir, 'link.json'))), /link\.json is a FIFO \(named pipe\), not a regular file/],
    ['a shard that is a FIFO', (dir) => (mkfifo(join(dir, 'p.bin')), shardPath('p.bin')(dir)), /lists the weight shard p\.bin, but .*p\.bin is a FIFO \(named pipe\), not a regular file/],
    ['a shard that is a directory', (dir) => (mkdirSync(join(dir, 'd.bin')), shardPath('d.bin')(dir)), /d\.bin is a directory, not a regular file/],
    ['4 extra bytes in the first of two shards', (dir) => twoShards(dir, 4), /Weight shards next to .*model\.json hold 64 bytes \(a\.bin: 36, b\.bin: 28\), but its weightsManifest\[0\] needs 60\. A shard has extra bytes/],
    ['extra bytes in the only shard', (dir) => writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(61)), /hold 61 bytes \(weights\.bin: 61\), but its weightsManifest\[0\] needs 60/],
    ['a short shard', (dir) => truncateSync(join(dir, 'weights.bin'), 40), /hold 40 bytes, but its weightsManifest needs 60\. A shard is truncated/],
    ['a huge declared shape', (dir) => editJson(dir, (j) => (j.weightsManifest[0].weights[0].shape = [1e6, 1e6])), /declares 4000000000012 bytes of weights .* more than the limit of 1073741824 .* raise maxBytes/],
    ['a negative dimension', (dir) => editJson(dir, (j) => (j.weightsManifest[0].weights[0].shape = [-4, 3])), /weight "d\/kernel" has the shape \[-4,3\]; a shape is a list of whole numbers >= 0/],
    ['a fractional dimension', (dir) => editJson(dir, (j) => (j.weightsManifest[0].weights[1].shape = [1.5])), /weight "d\/bias" has the shape \[1\.5\]/],
    ['an unknown dtype', (dir) => editJson(dir, (j) => (j.weightsManifest[0].weights[0].dtype = 'complex128')), /weight "d\/kernel" has dtype "complex128", which prunekit cannot read/],
    ['a shape the layer does not have', (dir) => editJson(dir, (j) => ((j.weightsManifest[0].weights[0].shape = [3, 4]))), /weight "d\/kernel" has the shape \[3, 4\], but the model's layer needs \[4, 3\]/],
    ['a NaN weight', (dir) => setFloat(dir, 5, NaN), /weight "d\/kernel" holds NaN at element 5\. .* allowNonFinite/],
    ['an Infinity weight', (dir) => setFloat(dir, 13, -Infinity), /weight "d\/bias" holds -Infinity at element 1/],
    ['a model.json of 100 MB', (dir) => (writeFileSync(join(dir, 'big.json'), ''), truncateSync(join(dir, 'big.json'), 100e6)), /big\.json is 100000000 bytes; a model\.json holds no weights and is at most 67108864/],
    ['an unknown layer class', (dir) => writeFileSync(join(dir, 'model.json'), readFileSync(join(dir, 'model.json'), 'utf8').replace('"Dense"', '"Densest"')), /uses the layer class "Densest"/],
  ])('refuses %s, naming it, with no tensor left', async (name, damage, message) => {
    const dir = await tinyModelDir()
    damage(dir)
    const file = name.includes('FIFO') && name.startsWith('model.json') ? join(dir, 'link.json') : name.includes('100 MB') ? join(dir, 'big.json') : dir
    const before = tf.memory().numTensors
    const error = await loadModel(file).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(ModelError)
    expect(error.message).toMatch(message)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('loads non-finite weights with allowNonFinite, and a model above maxBytes once the limit is raised', async () => {
    const dir = await tinyModelDir()
    setFloat(dir, 0, NaN)
    const model = await loadModel(dir, { allowNonFinite: true })
    expect(Number.isNaN((await model.getWeights()[0].data())[0])).toBe(true)
    model.dispose()
    setFloat(dir, 0, 1)
    await expect(loadModel(dir, { maxBytes: 59 })).rejects.toThrow(/declares 60 bytes .* more than the limit of 59/)
    const loaded = await loadModel(dir, { maxBytes: 60 })
    expect(loaded.countParams()).toBe(15)
    loaded.dispose()
  })

  it('refuses in-memory artifacts whose weight data does not match their specs', async () => {
    const dir = await tinyModelDir()
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Json & { modelTopology: object }
    const weightData = new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer.slice(0, 56)
    const before = tf.memory().numTensors
    await expect(loadModel({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData })).rejects.toThrow(/holds 56 bytes of weights, but its weight specs need 60/)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('loadModel on hostile URLs', () => {
  it('loads a model over http, each shard within the model directory', async () => {
    const dir = await tinyModelDir()
    const model = await loadModel(urlOf(dir))
    expect(model.countParams()).toBe(15)
    model.dispose()
  })

  it.each<[string, (dir: string) => void, RegExp]>([
    ['a shard URL escaping the model directory', shardPath('../secret.txt'), /lists the weight shard \.\.\/secret\.txt, which resolves to .*\/secret\.txt, outside the model's directory/],
    ['a shard on another host', shardPath('//example.com/m/weights.bin'), /lists the shard "\/\/example\.com\/m\/weights\.bin"; a shard is a path relative to model\.json/],
    ['a shard URL with encoded dots', shardPath('%2e%2e/secret.txt'), /outside the model's directory/],
    ['a shard that streams without end', shardPath('endless.bin'), /hold more than \d+ bytes \(endless\.bin: more than \d+\), but its weightsManifest\[0\] needs 60/],
    ['a short shard', (dir) => truncateSync(join(dir, 'weights.bin'), 20), /hold 20 bytes, but its weightsManifest needs 60/],
  ])('refuses %s', async (_name, damage, message) => {
    const dir = await tinyModelDir()
    damage(dir)
    const before = tf.memory().numTensors
    await expect(loadModel(urlOf(dir))).rejects.toThrow(message)
    expect(tf.memory().numTensors).toBe(before)
  })
})
