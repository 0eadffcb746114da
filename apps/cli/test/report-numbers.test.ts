import { runPipeline, type Snapshot } from '@prunekit/core'
import { readHistograms, readLayers } from '@prunekit/metrics'
import { reportPlots } from '@prunekit/reporters'
import { histogramStages, sharedHistogramScale, zeroBin } from '@prunekit/reporters/internal'
import { beforeAll, describe, expect, it } from 'vitest'
import { createDefaultRegistry } from '../src/default-registry.js'

// The numbers behind the pictures, from a real (tiny) run: what the histogram charts draw.
describe('the histograms the reports draw', () => {
  let snapshots: Snapshot[]

  beforeAll(async () => {
    const result = await runPipeline(
      {
        seed: 7,
        model: { zoo: 'mlp', units: [32, 16] },
        data: { dataset: 'mnist', train: 600, test: 200 },
        train: { batchSize: 32 },
        pipeline: [
          { train: { epochs: 1 } },
          { evaluate: { label: 'baseline' } },
          { prune: { strategy: 'magnitude', sparsity: 0.85 } },
          { evaluate: { label: 'pruned' } },
          { finetune: { epochs: 1 } },
          { evaluate: { label: 'finetuned' } },
        ],
        reporters: [],
      },
      { registry: createDefaultRegistry(), quiet: true },
    )
    snapshots = result.snapshots
  })

  it('has one chart per stage, named before / pruned / finetuned', () => {
    expect(histogramStages(snapshots).map((s) => s.slug)).toEqual(['before', 'pruned', 'finetuned'])
    expect(reportPlots(snapshots).histograms.map((p) => p.name)).toEqual(['weights-before', 'weights-pruned', 'weights-finetuned'])
  })

  it('counts every weight of a layer exactly once, at every stage', () => {
    for (const snapshot of snapshots) {
      const params = new Map(readLayers(snapshot)!.map((l) => [l.name, l.params]))
      const layers = readHistograms(snapshot)!.layers
      expect(layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2', 'output'])
      for (const layer of layers) expect(layer.counts.reduce((a, b) => a + b, 0), `${snapshot.label} ${layer.name}`).toBe(params.get(layer.name))
    }
  })

  it('holds at least the pruned weights in the zero bin after pruning', () => {
    for (const stage of histogramStages(snapshots).slice(1)) {
      const snapshot = snapshots.find((s) => s.label === stage.label)!
      for (const layer of stage.layers) {
        const stats = readLayers(snapshot)!.find((l) => l.name === layer.name)!
        const pruned = stats.params - stats.nonzero
        expect(pruned, layer.name).toBeGreaterThan(0)
        expect(layer.counts[zeroBin(layer.edges)], `${stage.label} ${layer.name}`).toBeGreaterThanOrEqual(pruned)
      }
    }
  })

  it('uses the same bin edges for a layer at all three stages, and one scale for all charts', () => {
    const [before, ...later] = histogramStages(snapshots)
    for (const stage of later) expect(stage.layers.map((l) => l.edges)).toEqual(before.layers.map((l) => l.edges))
    const scale = sharedHistogramScale(histogramStages(snapshots))
    expect(scale.maxCount).toBe(Math.max(...later.flatMap((s) => s.layers.map((l) => l.counts[zeroBin(l.edges)]))))
  })
})
