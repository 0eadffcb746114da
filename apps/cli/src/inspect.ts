import { setupBackend, type BackendName } from '@prunekit/core'
import { loadModel } from '@prunekit/models'
import { int, percent, textTable } from '@prunekit/reporters/internal'
import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import type { Output } from './commands.js'
import { nmLabel } from './nm-pattern.js'

/** model.json, given it or the directory holding it. */
async function modelJsonFile(path: string): Promise<string> {
  const full = resolve(path)
  return (await stat(full).catch(() => undefined))?.isDirectory() ? join(full, 'model.json') : full
}

/** model.json and the data files it names (weight shards, or the sparse format's data file), with their bytes. */
async function modelFiles(file: string): Promise<Array<{ name: string; bytes: number }>> {
  const json = JSON.parse(await readFile(file, 'utf8')) as { weightsManifest?: Array<{ paths: string[] }>; data?: unknown }
  const data = typeof json.data === 'string' ? [json.data] : (json.weightsManifest ?? []).flatMap((g) => g.paths)
  const names = [basename(file), ...data]
  return Promise.all(names.map(async (name) => ({ name, bytes: (await stat(join(dirname(file), name))).size })))
}

/** `prunekit inspect`: every layer's type, output shape, params, kernel sparsity and N:M pattern, then the files' sizes. */
export async function inspectCommand(path: string, options: { backend?: BackendName }, out: Output): Promise<void> {
  await setupBackend(options.backend ?? 'wasm')
  const model = await loadModel(path) // names the file and the fix when it cannot
  try {
    const file = await modelJsonFile(path)
    const rows: string[][] = []
    let kernelValues = 0
    let kernelZeros = 0
    for (const layer of model.layers) {
      const kernel = layer.getWeights().find((w) => w.rank >= 2)
      let sparsity = ''
      let nm = ''
      if (kernel) {
        const values = kernel.dataSync()
        let zeros = 0
        for (const v of values) if (v === 0) zeros++
        kernelValues += values.length
        kernelZeros += zeros
        sparsity = percent(zeros / values.length)
        nm = nmLabel(values, kernel.shape) ?? '-'
      }
      const shape = JSON.stringify(layer.outputShape).replace(/null/g, 'N').replace(/,/g, ', ')
      rows.push([layer.name, layer.getClassName(), shape, int(layer.countParams()), sparsity, nm])
    }
    out.log(`${file}: ${model.layers.length} layers, ${int(model.countParams())} params, kernels ${percent(kernelValues ? kernelZeros / kernelValues : 0)} zero`)
    out.log('')
    textTable(['layer', 'type', 'output shape', 'params', 'sparsity', 'N:M'], rows, [false, false, false, true, true, false]).forEach((l) => out.log(l))
    out.log('')
    const files = await modelFiles(file)
    textTable(['file', 'bytes'], [...files.map((f) => [f.name, int(f.bytes)]), ['total', int(files.reduce((n, f) => n + f.bytes, 0))]], [false, true]).forEach((l) => out.log(l))
  } finally {
    model.dispose()
  }
}
