import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SparseFormatError } from '../src/expand.js'
import { sparseIO } from '../src/sparse-io.js'
import { handWritten } from './hand-written.js'

let server: Server
let base: string
const files = new Map<string, string | Uint8Array>()

beforeAll(async () => {
  await tf.setBackend('cpu')
  const { modelJson, data } = await handWritten()
  files.set('/m/model.json', JSON.stringify(modelJson))
  files.set('/m/weights.sparse.bin', data)
  files.set('/short/model.json', JSON.stringify(modelJson))
  files.set('/short/weights.sparse.bin', data.subarray(0, 10))
  files.set('/missing/model.json', JSON.stringify(modelJson))
  files.set('/escape/model.json', JSON.stringify({ ...modelJson, data: '../m/weights.sparse.bin' }))
  files.set('/text/model.json', 'not json')
  server = createServer((request, response) => {
    const body = files.get(request.url!)
    if (body === undefined) response.writeHead(404).end()
    else response.writeHead(200).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('sparseIO from a URL', () => {
  it('fetches model.json and the data file beside it, and tf.loadLayersModel loads the model', async () => {
    const { kernel } = await handWritten()
    const model = await tfl.loadLayersModel(sparseIO(`${base}/m/model.json`))
    expect(Array.from(await model.getWeights()[0].data())).toEqual(kernel)
    expect(Array.from(await model.getWeights()[1].data())).toEqual([0, 0.25, 0])
  })

  it('is refused by stock tfjs, with stock tfjs\'s own error', async () => {
    await expect(tfl.loadLayersModel(`${base}/m/model.json`)).rejects.toThrow(/contains neither model topology or manifest for weights/)
  })

  it.each([
    ['a truncated data file', '/short/model.json', '/short/weights.sparse.bin', /is 10 bytes, but .*model\.json lists 20 \(truncated\?\)/],
    ['a missing data file', '/missing/model.json', '/missing/weights.sparse.bin', /fetch failed with HTTP 404/],
    ['a missing model.json', '/none/model.json', '/none/model.json', /fetch failed with HTTP 404/],
    ['a model.json that is not JSON', '/text/model.json', '/text/model.json', /is not JSON/],
    ['a data file outside model.json\'s directory', '/escape/model.json', '/escape/model.json', /names a bad data file "..\/m\/weights.sparse.bin"/],
  ])('refuses %s, naming the URL', async (_, path, faulty, message) => {
    const error = await sparseIO(`${base}${path}`).load!().catch((e: unknown) => e as SparseFormatError)
    expect(error).toBeInstanceOf(SparseFormatError)
    expect((error as SparseFormatError).file).toBe(`${base}${faulty}`)
    expect((error as SparseFormatError).message).toMatch(message)
  })
})
