import type { Snapshot } from '@prunekit/core'
import { histogramStages, layerOrder, qualityPoints, sharedHistogramScale, sparsityGroups, type HistogramStage } from './chart-data.js'
import { exportVariants } from './exports.js'
import { percent, stageName } from './format.js'
import { percentFormat } from './svg/axis.js'
import { barChart } from './svg/bars.js'
import { histogramChart } from './svg/histogram.js'
import { lineChart, type LineSeries } from './svg/line.js'
import { isControlLabel, type TrainingCurve } from './training.js'
import { paletteColor } from './svg/palette.js'
import { niceDomain } from './svg/scale.js'
import { sensitivityPlot } from './sensitivity.js'

/** One chart of the report: an SVG document and the base name of its PNG file. */
export interface Plot {
  /** weights-before, weights-pruned, weights-finetuned, sparsity, accuracy ... */
  name: string
  title: string
  svg: string
}

export interface ReportPlots {
  /** One per snapshot that measured histograms, on shared axes. */
  histograms: Plot[]
  sparsity?: Plot
  accuracy?: Plot
  /** Accuracy after reloading against gzip bytes, one point per exported variant. */
  exports?: Plot
  /** Training loss per epoch of every fit. */
  training?: Plot
  /** Each layer's sensitivity curve, from the latest sensitivity step. */
  sensitivity?: Plot
}

const colorsFor = (snapshots: readonly Snapshot[]) => {
  const order = layerOrder(snapshots)
  return (name: string) => paletteColor(order.indexOf(name))
}

function histogramPlot(stage: HistogramStage, scale: ReturnType<typeof sharedHistogramScale>, color: (name: string) => string): Plot {
  const title = `Weights: ${stageName(stage.label)}`
  const series = stage.layers.map((layer) => {
    const zeros = stage.sparsity.get(layer.name)
    const removed = stage.removed.get(layer.name)
    const notes = [zeros === undefined ? '' : `${percent(zeros, 1)} zero`, removed ? `${percent(removed, 1)} removed` : ''].filter(Boolean)
    return { name: layer.name, color: color(layer.name), edges: layer.edges, counts: layer.counts, note: notes.length ? notes.join(', ') : undefined }
  })
  return { name: `weights-${stage.slug}`, title, svg: histogramChart({ title, series, xDomain: scale.xDomain, maxCount: scale.maxCount }) }
}

function sparsityPlot(snapshots: readonly Snapshot[], color: (name: string) => string): Plot | undefined {
  const groups = sparsityGroups(snapshots)
  if (!groups.length) return undefined
  const layers = groups[0].layers.map((l) => l.name)
  const opacity = (g: number) => (groups.length === 1 ? 0.85 : 0.3 + (0.6 * g) / (groups.length - 1))
  const stages = (g: number) => groups[g].labels.map(stageName).join(', ')
  const title = groups.length === 1 ? `Per-layer sparsity: ${stages(0)}` : 'Per-layer sparsity'
  const last = groups.at(-1)!
  const svg = barChart({
    title,
    xLabel: 'layer',
    y: { label: 'sparsity (fraction of weights at zero)', domain: [0, 1], format: percentFormat },
    groups: layers.map((name) => ({
      name,
      bars: groups.map((group, g) => {
        const layer = group.layers.find((l) => l.name === name)
        const sparsity = layer?.sparsity ?? 0
        return {
          value: sparsity,
          color: color(name),
          opacity: opacity(g),
          label: percent(sparsity, 1),
          tooltip: layer ? `${name}, ${stages(g)}: ${(layer.params - layer.nonzero).toLocaleString('en-US')} of ${layer.params.toLocaleString('en-US')} weights are zero (${percent(sparsity)})` : undefined,
        }
      }),
    })),
    legend: groups.length > 1 ? groups.map((_, g) => ({ label: stages(g), color: '#4b5563', opacity: opacity(g) })) : undefined,
    references: last.sparsity === undefined ? [] : [{ value: last.sparsity, label: `whole model: ${percent(last.sparsity)}` }],
  })
  return { name: 'sparsity', title, svg }
}

function accuracyPlot(snapshots: readonly Snapshot[]): Plot | undefined {
  const { metric, points } = qualityPoints(snapshots)
  if (!points.length) return undefined
  const values = points.map((p) => p.value)
  const span = Math.max(Math.max(...values) - Math.min(...values), metric === 'accuracy' ? 0.02 : 0.05 * Math.max(...values, 0.1))
  let [y0, y1] = niceDomain(Math.min(...values) - span * 0.25, Math.max(...values) + span * 0.25, 5)
  if (metric === 'accuracy') [y0, y1] = [Math.max(0, y0), Math.min(1, y1)]
  else y0 = Math.max(0, y0)
  const title = `${metric === 'accuracy' ? 'Accuracy' : 'Loss'} against sparsity, stage by stage`
  // A lottery ticket's control is its own series: joined with the tickets it would zig-zag.
  const stages = points.filter((p) => !isControlLabel(p.label))
  const controls = points.filter((p) => isControlLabel(p.label))
  const toPoints = (ps: typeof points) => ps.map((p) => ({ x: p.sparsity, y: p.value, label: stageName(p.label) }))
  const svg = lineChart({
    title,
    x: { label: 'model sparsity', domain: [0, 1], format: percentFormat },
    y: { label: `test ${metric}`, domain: [y0, y1] },
    series: [
      { name: controls.length ? `${metric}: stages` : metric, color: paletteColor(0), points: toPoints(stages) },
      ...(controls.length ? [{ name: `${metric}: controls (re-initialised)`, color: paletteColor(0), dashed: true, points: toPoints(controls) }] : []),
    ],
  })
  return { name: 'accuracy', title, svg }
}

/** 1, 2 and 5 times the powers of ten between 10^lo and 10^hi, as log10 values. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = []
  for (let p = Math.floor(lo); p <= Math.ceil(hi); p++) for (const m of [1, 2, 5]) ticks.push(p + Math.log10(m))
  return ticks.filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9)
}

const shortBytes = (n: number) => (n >= 1e6 ? `${+(n / 1e6).toPrecision(3)} MB` : n >= 1e3 ? `${+(n / 1e3).toPrecision(3)} kB` : `${n} B`)

// Labels of points close in size take turns on four rows, above and below, so they do not overlap.
const labelRows = [-10, 20, -26, 36]

function exportsPlot(snapshots: readonly Snapshot[]): Plot | undefined {
  const variants = exportVariants(snapshots)
    .filter((v) => v.accuracy !== undefined)
    .sort((a, b) => a.gzip - b.gzip)
  if (!variants.length) return undefined
  const accuracies = variants.map((v) => v.accuracy!)
  const span = Math.max(Math.max(...accuracies) - Math.min(...accuracies), 0.02)
  const [y0, y1] = niceDomain(Math.min(...accuracies) - span * 0.5, Math.max(...accuracies) + span * 0.5, 5)
  // Log scale: the variants span one to two orders of magnitude.
  const logs = variants.map((v) => Math.log10(v.gzip))
  const [x0, x1] = [Math.floor(Math.min(...logs) * 4) / 4, Math.ceil(Math.max(...logs) * 4) / 4 + 0.25]
  const title = 'Accuracy after reloading against file size (gzip), per export'
  const svg = lineChart({
    title,
    x: { label: 'model.json + weights file, gzip (log scale)', domain: [x0, x1], ticks: logTicks(x0, x1), format: (v) => shortBytes(Math.round(10 ** v)) },
    y: { label: 'test accuracy, reloaded', domain: [Math.max(0, y0), Math.min(1, y1)] },
    series: [
      {
        name: 'exports',
        color: paletteColor(0),
        joined: false,
        points: variants.map((v, i) => ({ x: logs[i], y: v.accuracy!, label: stageName(v.label).replace(/^export-/, ''), labelDy: labelRows[i % labelRows.length] })),
      },
    ],
  })
  return { name: 'exports', title, svg }
}

/** Loss against epoch, one line per series; the epoch axis has whole-number ticks. */
export function lossChart(title: string, series: readonly LineSeries[]): string {
  const epochs = Math.max(2, ...series.flatMap((s) => s.points.map((p) => p.x)))
  const losses = series.flatMap((s) => s.points.map((p) => p.y))
  const [lo, hi] = [Math.min(...losses), Math.max(...losses)]
  const pad = Math.max(hi - lo, 0.05 * Math.max(hi, 0.1)) * 0.1
  const [y0, y1] = niceDomain(Math.max(0, lo - pad), hi + pad, 5)
  const step = Math.max(1, Math.ceil(epochs / 10))
  const ticks = Array.from({ length: Math.floor(epochs / step) }, (_, i) => (i + 1) * step)
  return lineChart({
    title,
    // A margin either side, so the points of epoch 1 clear the y axis.
    x: { label: 'epoch', domain: [0.8, epochs + 0.2], ticks: step === 1 ? ticks : [1, ...ticks], format: (v) => String(Math.round(v)) },
    y: { label: 'training loss (mean of the epoch)', domain: [y0, y1] },
    series,
  })
}

/** Each fit's training loss per epoch; a lottery ticket's control is dashed, in its ticket's colour. */
export function trainingPlot(curves: readonly TrainingCurve[]): Plot | undefined {
  if (!curves.length) return undefined
  const colors = new Map<string, string>()
  const series = curves.map((curve) => {
    const ticket = curve.control ? curve.label.replace(/-reinit$/, '') : curve.label
    const color = colors.get(ticket) ?? paletteColor(colors.size)
    colors.set(ticket, color)
    const name = curve.control ? `${curve.label} (control)` : curve.label === curve.stepName ? `${curve.label} (step ${curve.step + 1})` : curve.label
    return { name, color, dashed: curve.control, marker: 3.5, points: curve.epochs.map((e) => ({ x: e.epoch, y: e.loss })) }
  })
  const title = 'Training loss per epoch'
  return { name: 'training', title, svg: lossChart(title, series) }
}

/** Every chart of a report, built once and shared by the html and png reporters. */
export function reportPlots(snapshots: readonly Snapshot[], training: readonly TrainingCurve[] = []): ReportPlots {
  const color = colorsFor(snapshots)
  const stages = histogramStages(snapshots)
  const scale = sharedHistogramScale(stages)
  return {
    histograms: stages.map((stage) => histogramPlot(stage, scale, color)),
    sparsity: sparsityPlot(snapshots, color),
    accuracy: accuracyPlot(snapshots),
    exports: exportsPlot(snapshots),
    training: trainingPlot(training),
    sensitivity: sensitivityPlot(snapshots),
  }
}

/** The plots in file order: the histograms, then sparsity, accuracy, exports and sensitivity. */
export function allPlots(plots: ReportPlots): Plot[] {
  return [...plots.histograms, ...[plots.sparsity, plots.accuracy, plots.exports, plots.training, plots.sensitivity].filter((p) => p !== undefined)]
}
