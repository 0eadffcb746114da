import { evaluateModel, PrunableModel, type Dataset, type Evaluation } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { ExportReport } from './export-model.js'
import { loadModel } from './load.js'

/** How far one layer's reloaded weights are from the exported model's, per weight element. */
export type LayerExportError = {
  layer: string
  /** max |reloaded - source|; 0 for float32. */
  max: number
  /** mean |reloaded - source|. */
  mean: number
}

/** The `export` entry of an export's snapshot: what was written, its bytes, and what reloading it lost. */
export type ExportMetric = {
  /** The model.json written. */
  file: string
  format: ExportReport['format']
  dtype: ExportReport['dtype']
  raw: number
  gzip: number
  brotli: number
  /** The same model as stock float32 (dense storage). */
  float32: { raw: number; gzip: number; brotli: number }
  layers: LayerExportError[]
}

/** The quantization error of every layer with weights: `reloaded` against `source`, same architecture. */
export async function layerErrors(source: tfl.LayersModel, reloaded: tfl.LayersModel): Promise<LayerExportError[]> {
  const errors: LayerExportError[] = []
  for (const [i, layer] of source.layers.entries()) {
    const ours = layer.getWeights()
    if (ours.length === 0) continue
    const theirs = reloaded.layers[i].getWeights()
    const [max, sum, count] = tf.tidy(() => {
      const diffs = ours.map((w, j) => tf.reshape(tf.abs(tf.sub(theirs[j], w)), [-1]))
      const all = tf.concat(diffs)
      return [tf.max(all), tf.sum(all), all.size] as const
    })
    const [maxValue, sumValue] = [(await max.data())[0], (await sum.data())[0]]
    tf.dispose([max, sum])
    errors.push({ layer: layer.name, max: maxValue, mean: sumValue / count })
  }
  return errors
}

/**
 * Reads the export back through the path `model: { path }` uses, evaluates it on `data`'s test split
 * and measures each layer's error against `source`, the model exported. Everything reloaded is disposed.
 */
export async function evaluateExport(source: PrunableModel, report: ExportReport, data: Dataset): Promise<{ evaluation: Evaluation; metric: ExportMetric }> {
  const reloaded = new PrunableModel(await loadModel(report.file), { output: source.output })
  try {
    const evaluation = await evaluateModel(reloaded, data.test, data.task)
    const { raw, gzip, brotli } = report.sizes
    const float32 = { raw: report.float32.raw, gzip: report.float32.gzip, brotli: report.float32.brotli }
    const layers = await layerErrors(source.model, reloaded.model)
    return { evaluation, metric: { file: report.file, format: report.format, dtype: report.dtype, raw, gzip, brotli, float32, layers } }
  } finally {
    reloaded.dispose()
  }
}
