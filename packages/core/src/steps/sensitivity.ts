import { z } from 'zod'
import type { MetricValue } from '../metric.js'
import { toJson } from '../json-schema.js'
import type { Registry } from '../registry.js'
import { layerSelector, type LayerSelector } from '../selectors.js'
import { sensitivityMetric, type SensitivityCurves } from '../sensitivity/curves.js'
import { probeSensitivity, type ProbeOptions } from '../sensitivity/probe.js'
import { resolveSparsityTarget, type SparsityTarget } from '../sparsity-target.js'
import { defineStep } from '../step.js'

export const sensitivityShape = {
  strategy: z.string().default('magnitude').describe('The strategy each probe prunes with (its other options follow, without sparsity); a structured one is probed one dependency group at a time'),
  levels: z
    .array(z.number().gt(0).max(1))
    .min(1)
    .default([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    .describe('Sparsities each layer is probed at, one layer at a time (NNI\'s SensitivityAnalysis: 0.1 to 0.9)'),
  mode: z.enum(['data', 'data-free']).default('data').describe('data: evaluate every probe; data-free: only measure the fraction of each layer\'s squared-weight mass it removes'),
  split: z
    .enum(['validation', 'train', 'test'])
    .optional()
    .describe(
      'Data the probes (and the allocation\'s measurement) are evaluated on: the first `samples` of validation (the default when the dataset holds one out), the last `samples` of train (the default otherwise), or the first of test',
    ),
  samples: z.number().int().min(1).default(2000).describe('How many examples of the split each probe is evaluated on'),
  layers: z.array(layerSelector).optional().describe('Layers to probe (default: every layer with a kernel)'),
}

const stepOptions = z.object(sensitivityShape).catchall(z.unknown())

export type SensitivityStepOptions = Omit<ProbeOptions, 'seed'>

function sensitivityOptions(registry: Registry): z.ZodType<SensitivityStepOptions> {
  return stepOptions.transform((value, ctx) => {
    const { levels, mode, split, samples, layers, ...strategy } = value
    const target = resolveSparsityTarget(registry, strategy, ctx, [])
    if (!target) return z.NEVER
    return { target, levels: [...new Set(levels)].sort((a, b) => a - b), mode, split, samples, layers }
  })
}

const percent = (v: number) => `${(100 * v).toFixed(0)}%`

/** `dense_1 1.2% at 90%`: how much each layer's probe at the top level cost. */
function describeCurves(curves: SensitivityCurves): string {
  const top = (points: SensitivityCurves['layers'][number]['points']) => points.at(-1)!
  const base = curves.baseline.accuracy
  const layers = curves.layers.map((l) => {
    const p = top(l.points)
    const drop = base !== null && p.accuracy !== null ? `accuracy ${(100 * Math.abs(base - p.accuracy)).toFixed(2)} points ${p.accuracy > base ? 'higher' : 'lower'}` : `${percent(p.massRemoved)} of its squared mass removed`
    return `${l.name} at ${percent(p.sparsity)}: ${drop}`
  })
  const skipped = curves.skipped.length ? `; skipped ${curves.skipped.map((l) => l.name).join(', ')} (the strategy does not prune ${curves.skipped.length === 1 ? 'it' : 'them'} alone)` : ''
  const probed = curves.layers.some((l) => l.layers) ? 'dependency groups' : 'layers'
  return `${curves.layers.length} ${probed} probed${curves.split ? ` on ${curves.split}` : ' (data-free)'}; ${layers.join('; ')}${skipped}`
}

export const sensitivityStep = defineStep<SensitivityStepOptions>({
  name: 'sensitivity',
  description: 'Prune one layer (with a structured strategy, one dependency group) at a time at each level and record loss and accuracy (or, data-free, the squared-weight mass removed); the model is left as it was',
  options: sensitivityOptions,
  jsonSchema: () => ({ ...toJson(z.object(sensitivityShape)), additionalProperties: true }),
  async run(ctx, options) {
    const curves = await probeSensitivity(ctx.model, ctx.data, ctx.registry, { ...options, seed: ctx.config.seed })
    await ctx.snapshot({ label: 'sensitivity', step: ctx.step.index, metrics: { [sensitivityMetric]: curves as unknown as MetricValue } })
    return describeCurves(curves)
  },
})
