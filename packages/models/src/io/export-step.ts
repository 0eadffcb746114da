import { defineStep } from '@prunekit/core'
import { layerSelector } from '@prunekit/core/internal'
import { z } from 'zod'
import { defaultMinSize } from './export-artifacts.js'
import { evaluateExport } from './export-evaluation.js'
import { describeExport, exportModel } from './export-model.js'

export const exportOptions = z
  .object({
    dir: z.string().default('model').describe('Directory to write, relative to the run\'s out directory'),
    format: z
      .enum(['layers', 'sparse'])
      .default('layers')
      .describe('layers: model.json + weights.bin, loaded by stock tf.loadLayersModel; sparse: only the non-zero weights, loaded with @prunekit/sparse-loader (tf.loadLayersModel(sparseIO(url)))'),
    quantize: z
      .enum(['uint8', 'uint16', 'float16'])
      .optional()
      .describe('Store the selected weights quantized, in the stock format tf.loadLayersModel decodes (default: float32). Pruned zeros stay exactly 0'),
    include: z.array(layerSelector).optional().describe('Quantize only these layers (default: every layer)'),
    exclude: z.array(layerSelector).default([]).describe('Keep these layers float32, e.g. [output] or ["/bias$/"]'),
    minSize: z
      .number()
      .int()
      .min(0)
      .default(defaultMinSize)
      .describe('Weights with fewer elements stay float32 (default 1024: biases and BatchNorm vectors, which quantization would barely shrink)'),
    evaluate: z
      .boolean()
      .default(true)
      .describe('Read the files back, evaluate the reloaded model on the test split and record a snapshot (accuracy, loss, bytes, per-layer quantization error); false for runs without data'),
    label: z.string().optional().describe('Label of that snapshot (default: export-<dir>)'),
  })
  .strict()

/** Saves the current model in the stock tfjs Layers format, pruned weights folded in as zeros, optionally quantized. */
export const exportStep = defineStep({
  name: 'export',
  description: 'Save the model (stock tfjs Layers format, or sparse), float32 or quantized, and report its bytes raw, gzip and brotli',
  options: exportOptions,
  async run(ctx, options) {
    const dir = options.dir.startsWith('/') ? options.dir : `${ctx.config.out.replace(/\/+$/, '')}/${options.dir}`
    ctx.model.applyMasks()
    const report = await exportModel(ctx.model.model, dir, options)
    const written = describeExport(report)
    if (!options.evaluate) return written
    const { evaluation, metric } = await evaluateExport(ctx.model, report, ctx.data)
    const label = options.label ?? `export-${options.dir.replace(/\/+$/, '')}`
    await ctx.snapshot({ label, step: ctx.step.index, metrics: { loss: evaluation.loss, accuracy: evaluation.accuracy, export: metric } })
    return `${written}; reloaded: loss ${evaluation.loss.toFixed(4)}, accuracy ${evaluation.accuracy.toFixed(4)}`
  },
})
