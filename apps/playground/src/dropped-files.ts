import { unzipSync } from 'fflate'

/** A dropped model: its model.json's name and every file by name relative to model.json's folder. */
export interface DroppedModel {
  modelJson: string
  files: Map<string, Uint8Array>
  /** Output layer names, when model.json lists several (Keras' converter often lists every layer). */
  outputs: string[]
}

/** What a drop held: a model, a CSV, or an explanation of why it is neither. */
export type Dropped = { model: DroppedModel } | { csv: { name: string; text: string } } | { problem: string }

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1)

/** Every file, a zip's entries (folders flattened) in place of the zip. */
async function expand(files: readonly File[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  for (const file of files) {
    const bytes = new Uint8Array(await file.arrayBuffer())
    if (!/\.zip$/i.test(file.name)) {
      out.set(file.name, bytes)
      continue
    }
    let entries: Record<string, Uint8Array>
    try {
      entries = unzipSync(bytes)
    } catch (cause) {
      throw new Error(`${file.name} is not a readable zip (${(cause as Error).message}). Zip model.json with its weight files, or drop the files themselves.`)
    }
    for (const [path, data] of Object.entries(entries)) if (!path.endsWith('/') && !path.startsWith('__MACOSX/')) out.set(baseName(path), data)
  }
  return out
}

/** Output layer names of a Keras-converted or tfjs-layers functional model.json, when it parses. */
function outputNames(bytes: Uint8Array): string[] {
  try {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { modelTopology?: Record<string, unknown> }
    const topology = (json.modelTopology?.model_config ?? json.modelTopology) as { config?: { output_layers?: unknown[] } } | undefined
    return (topology?.config?.output_layers ?? []).map((o) => String((o as unknown[])[0]))
  } catch {
    return [] // loading explains a broken model.json
  }
}

/** Sorts a drop (or a file input's files) into a model or a CSV. */
export async function readDrop(files: readonly File[]): Promise<Dropped> {
  if (!files.length) return { problem: 'Nothing was dropped. Drop model.json with its weight files (or a zip of them), or a CSV file.' }
  const all = await expand(files)
  const names = [...all.keys()]
  const csv = names.find((n) => /\.csv$/i.test(n))
  if (csv && names.length === 1) return { csv: { name: csv, text: new TextDecoder().decode(all.get(csv)) } }
  const jsons = names.filter((n) => /\.json$/i.test(n))
  const modelJson = jsons.includes('model.json') ? 'model.json' : jsons[0]
  if (!modelJson) return { problem: `No model.json among ${names.join(', ')}. Drop a TensorFlow.js Layers model: model.json with its weight files (group1-shard1of1 ...), or a zip of them.` }
  return { model: { modelJson, files: all, outputs: outputNames(all.get(modelJson)!) } }
}
