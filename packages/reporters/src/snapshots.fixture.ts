import type { RunInfo, Snapshot, StepEndInfo } from '@prunekit/core'
import type { LayerHistogram, LayerStats } from '@prunekit/metrics'

// A small, hand-made run: two layers measured before pruning, after pruning and after fine-tuning.

const edges = (max: number) => [-max, -max / 3, max / 3, max]

function layer(name: string, shape: number[], nonzero: number): LayerStats {
  const params = shape[0] * shape[1]
  return { name, type: 'Dense', shape, params, nonzero, sparsity: (params - nonzero) / params, biasParams: shape[1] }
}

function snapshot(label: string, step: number, metrics: { loss: number; accuracy: number; nonzero: [number, number]; counts: [number[], number[]] }): Snapshot {
  const layers = [layer('dense_1', [4, 5], metrics.nonzero[0]), layer('output', [5, 2], metrics.nonzero[1])]
  const histograms: LayerHistogram[] = [
    { name: 'dense_1', edges: edges(0.6), counts: metrics.counts[0] },
    { name: 'output', edges: edges(0.9), counts: metrics.counts[1] },
  ]
  const kernels = 30
  const nonzero = metrics.nonzero[0] + metrics.nonzero[1]
  return {
    label,
    step,
    metrics: {
      loss: metrics.loss,
      accuracy: metrics.accuracy,
      sparsity: (kernels - nonzero) / kernels,
      params: { total: 37, nonzero: nonzero + 7, prunable: kernels, prunableNonzero: nonzero, built: 37, prunableBuilt: kernels },
      layers,
      histograms: { bins: 3, layers: histograms },
      size: { denseBytes: 148, nonzeroBytes: (nonzero + 7) * 8 },
    },
  }
}

export const fixtureSnapshots: Snapshot[] = [
  snapshot('baseline', 1, { loss: 0.25, accuracy: 0.9, nonzero: [20, 10], counts: [[6, 8, 6], [3, 4, 3]] }),
  snapshot('pruned', 3, { loss: 0.5, accuracy: 0.8, nonzero: [4, 5], counts: [[2, 16, 2], [3, 5, 2]] }),
  snapshot('finetuned', 5, { loss: 0.3, accuracy: 0.88, nonzero: [4, 5], counts: [[2, 16, 2], [2, 5, 3]] }),
]

export const fixtureRun = {
  config: { seed: 1, backend: 'cpu', plugins: [], model: { zoo: 'mlp', units: [5] }, data: { dataset: 'tiny' }, pipeline: [{ train: { epochs: 1 } }], reporters: ['html'], out: 'out' },
  backend: { name: 'cpu', simd: false, threads: 1 },
  model: { name: 'mlp', params: 37, layers: 2 },
  data: { name: 'tiny', train: 10, test: 5, task: 'multiclass' },
  steps: ['train', 'evaluate'],
} as unknown as RunInfo

export const fixtureSteps: StepEndInfo[] = [
  { index: 0, name: 'train', total: 2, seconds: 1.25, summary: '1 epoch(s)' },
  { index: 1, name: 'evaluate', total: 2, seconds: 0.01, summary: 'baseline: loss 0.2500' },
]
