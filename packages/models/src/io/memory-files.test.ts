import * as tf from '@tensorflow/tfjs-core'
import { ModelError, setupBackend } from '@prunekit/core'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadModel } from './load.js'
import { modelFilesOf, readModelFiles } from './memory-files.js'

const kerasLenet = fileURLToPath(new URL('../../../../../shared/fixtures/external/keras-lenet/', import.meta.url))
const lenetFiles = () => new Map(readdirSync(kerasLenet).map((name) => [name, new Uint8Array(readFileSync(join(kerasLenet, name)))]))
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

beforeAll(async () => {
  await setupBackend('cpu')
})

describe('readModelFiles', () => {
  it('loads the Keras LeNet from files in memory with the same weights as from disk, and round-trips its export in both formats', async () => {
    const before = tf.memory().numTensors
    const fromDisk = await loadModel(kerasLenet)
    const fromMemory = await loadModel(await readModelFiles(lenetFiles()))
    const sum = (m: typeof fromDisk) => m.getWeights().reduce((s, w) => s + tf.tidy(() => tf.sum(tf.abs(w)).dataSync()[0]), 0)
    expect(sum(fromMemory)).toBe(sum(fromDisk))
    const artifacts = await new Promise<tf.io.ModelArtifacts>((resolve) => void fromMemory.save(tf.io.withSaveHandler(async (a) => (resolve(a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }))))
    for (const format of ['layers', 'sparse'] as const) {
      const files = modelFilesOf(artifacts, format)
      expect([...files.keys()]).toEqual(['model.json', format === 'sparse' ? 'weights.sparse.bin' : 'weights.bin'])
      const again = await loadModel(await readModelFiles(files))
      expect(sum(again)).toBe(sum(fromDisk))
      again.dispose()
    }
    fromDisk.dispose()
    fromMemory.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  const shard = 'group1-shard1of1'
  it.each([
    ['a missing shard', (files: Map<string, Uint8Array>) => files.delete(shard), /model\.json lists the weight shard group1-shard1of1, but it is not among the files given \(SOURCE\.md, model\.json\)\. Add group1-shard1of1/],
    ['a truncated shard', (files: Map<string, Uint8Array>) => files.set(shard, files.get(shard)!.subarray(0, 1000)), /hold 1000 bytes, but its weightsManifest needs 177704/],
    ['no model.json', (files: Map<string, Uint8Array>) => files.delete('model.json'), /No model\.json among the files given \(SOURCE\.md, group1-shard1of1\)/],
    ['a graph model', (files: Map<string, Uint8Array>) => files.set('model.json', json({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] })), /model\.json is not a TensorFlow\.js Layers model: it is a graph model/],
    ['a shard outside the directory', (files: Map<string, Uint8Array>) => files.set('model.json', json({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['/etc/passwd'], weights: [] }] })), /lists the shard "\/etc\/passwd"; a shard is a path relative to model\.json/],
  ])('refuses %s, naming the file and the fix', async (_, change, message) => {
    const files = lenetFiles()
    change(files)
    const error = await readModelFiles(files).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as Error).message).toMatch(message)
  })
})
