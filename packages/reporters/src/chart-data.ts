import type { Snapshot } from '@prunekit/core'
import { histogram, readHistograms, readLayers, type LayerHistogram, type LayerStats } from '@prunekit/metrics'
import { readFinite } from './format.js'
import { uniqueStageSlugs } from './stages.js'

/** One snapshot's per-layer weight histograms, with the fraction of each layer's weights that is zero. */
export interface HistogramStage {
  label: string
  /** For file names: before, pruned, finetuned, or a slug of the label. */
  slug: string
  layers: LayerHistogram[]
  /** Layer name -> fraction of its kernel, as it is now, that is exactly zero (from the layers metric, when measured). */
  sparsity: Map<string, number>
  /** Layer name -> fraction of its kernel as built that structured pruning removed (layers it cut only). */
  removed: Map<string, number>
}

/** The snapshots that measured histograms, in order. */
export function histogramStages(snapshots: readonly Snapshot[]): HistogramStage[] {
  const measured = snapshots.flatMap((s) => {
    const histograms = readHistograms(s)
    return histograms ? [{ snapshot: s, layers: histograms.layers }] : []
  })
  const slugs = uniqueStageSlugs(measured.map((m) => m.snapshot.label))
  return measured.map(({ snapshot, layers }, i) => ({
    label: snapshot.label,
    slug: slugs[i],
    layers,
    // A structurally cut layer's `sparsity` counts its removed weights: its histogram shows only those left.
    sparsity: new Map((readLayers(snapshot) ?? []).map((l) => [l.name, l.params === 0 ? 0 : (l.params - l.nonzero) / l.params])),
    removed: new Map((readLayers(snapshot) ?? []).flatMap((l) => (l.builtParams ? [[l.name, 1 - l.params / l.builtParams]] : []))),
  }))
}

/** Index of the bin that counts the value 0, binned exactly as the histograms metric bins weights. */
export function zeroBin(edges: readonly number[]): number {
  return histogram([0], edges).indexOf(1)
}

/** One x range and one count maximum for every stage, so the stage charts compare at a glance. */
export function sharedHistogramScale(stages: readonly HistogramStage[]): { xDomain: [number, number]; maxCount: number } {
  const layers = stages.flatMap((s) => s.layers)
  const lows = layers.map((l) => l.edges[0])
  const highs = layers.map((l) => l.edges.at(-1)!)
  return {
    xDomain: layers.length ? [Math.min(...lows), Math.max(...highs)] : [-1, 1],
    maxCount: Math.max(1, ...layers.flatMap((l) => l.counts)),
  }
}

/** Layer names in the order they first appear (histograms or per-layer stats), for stable colours. */
export function layerOrder(snapshots: readonly Snapshot[]): string[] {
  const names = new Set<string>()
  for (const s of snapshots) {
    for (const l of readLayers(s) ?? []) names.add(l.name)
    for (const l of readHistograms(s)?.layers ?? []) names.add(l.name)
  }
  return [...names]
}

/** Consecutive snapshots with the same per-layer sparsity, shown as one series (pruned = finetuned). */
export interface SparsityGroup {
  labels: string[]
  layers: LayerStats[]
  /** Whole-model sparsity, when measured. */
  sparsity?: number
}

const sameSparsity = (a: readonly LayerStats[], b: readonly LayerStats[]) =>
  a.length === b.length && a.every((l, i) => l.name === b[i].name && l.nonzero === b[i].nonzero && l.params === b[i].params)

/**
 * The per-layer sparsity to chart: every snapshot where something was pruned, with runs of identical
 * sparsity merged; the last snapshot alone when nothing was pruned.
 */
export function sparsityGroups(snapshots: readonly Snapshot[]): SparsityGroup[] {
  const measured = snapshots.flatMap((s) => {
    const layers = readLayers(s)
    return layers?.length ? [{ label: s.label, layers, sparsity: readFinite(s, 'sparsity') }] : []
  })
  const pruned = measured.filter((m) => m.layers.some((l) => l.sparsity > 0))
  const chosen = pruned.length ? pruned : measured.slice(-1)
  const groups: SparsityGroup[] = []
  for (const m of chosen) {
    const last = groups.at(-1)
    if (last && sameSparsity(last.layers, m.layers)) last.labels.push(m.label)
    else groups.push({ labels: [m.label], layers: m.layers, sparsity: m.sparsity })
  }
  return groups
}

export interface StagePoint {
  label: string
  sparsity: number
  value: number
}

/** Accuracy (or, for models without it, loss) against model sparsity, one point per snapshot. */
export function qualityPoints(snapshots: readonly Snapshot[]): { metric: 'accuracy' | 'loss'; points: StagePoint[] } {
  const metric = snapshots.some((s) => readFinite(s, 'accuracy') !== undefined) ? 'accuracy' : 'loss'
  const points = snapshots.flatMap((s) => {
    const value = readFinite(s, metric)
    const sparsity = readFinite(s, 'sparsity')
    return value === undefined || sparsity === undefined ? [] : [{ label: s.label, sparsity, value }]
  })
  return { metric, points }
}
