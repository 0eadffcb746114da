import type { ProgressEvent, Snapshot } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { reportPlots } from './charts.js'
import { histogramStages } from './chart-data.js'
import { fixtureSnapshots } from './snapshots.fixture.js'
import { trainingRecorder } from './training.js'

/** The progress events of one fit: `epochs` epochs of `batches` batches, the loss on each epoch's last batch. */
function fit(step: { index: number; name: string }, epochs: number, batches: number, loss: (epoch: number) => number): ProgressEvent[] {
  const events: ProgressEvent[] = []
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let batch = 1; batch <= batches; batch++) {
      events.push({ step: { ...step, total: 4 }, epoch, epochs, batch, batches, loss: batch === batches ? loss(epoch) : undefined })
    }
  }
  return events
}

const snapshot = (label: string, step: number): Snapshot => ({ label, step, metrics: {} })

describe('trainingRecorder', () => {
  it('keeps one curve per fit: a step\'s own, and each ticket and control inside iterate apart', () => {
    const recorder = trainingRecorder()
    const train = { index: 0, name: 'train' }
    const iterate = { index: 2, name: 'iterate' }
    fit(train, 2, 3, (e) => 1 / e).forEach(recorder.onProgress)
    recorder.onSnapshot(snapshot('dense', 1))
    for (const [label, loss] of [['round-1', 0.5], ['round-1-reinit', 0.9], ['round-2', 0.4], ['round-2-reinit', 1.1]] as const) {
      fit(iterate, 2, 2, (e) => loss / e).forEach(recorder.onProgress)
      recorder.onSnapshot(snapshot(label, 2))
    }
    expect(recorder.curves().map((c) => [c.label, c.stepName, c.control, c.epochs])).toEqual([
      ['train', 'train', false, [{ epoch: 1, loss: 1 }, { epoch: 2, loss: 0.5 }]],
      ['round-1', 'iterate', false, [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }]],
      ['round-1-reinit', 'iterate', true, [{ epoch: 1, loss: 0.9 }, { epoch: 2, loss: 0.45 }]],
      ['round-2', 'iterate', false, [{ epoch: 1, loss: 0.4 }, { epoch: 2, loss: 0.2 }]],
      ['round-2-reinit', 'iterate', true, [{ epoch: 1, loss: 1.1 }, { epoch: 2, loss: 0.55 }]],
    ])
  })

  it('starts a new curve when a step trains again without a snapshot between', () => {
    const recorder = trainingRecorder()
    const step = { index: 1, name: 'finetune' }
    ;[...fit(step, 2, 1, () => 1), ...fit(step, 1, 1, () => 2)].forEach(recorder.onProgress)
    expect(recorder.curves().map((c) => c.epochs.length)).toEqual([2, 1])
  })
})

describe('charts of a run', () => {
  it('draws the training curves with a control dashed in its ticket\'s colour', () => {
    const curve = (label: string, control: boolean) => ({ step: 2, stepName: 'iterate', label, control, epochs: [{ epoch: 1, loss: 1 }, { epoch: 2, loss: 0.5 }] })
    const svg = reportPlots([], [curve('round-1', false), curve('round-1-reinit', true)]).training!.svg
    const paths = [...svg.matchAll(/<path class="mark"[^>]*>/g)].map((m) => m[0])
    expect(paths).toHaveLength(2)
    expect(paths[0]).not.toContain('stroke-dasharray')
    expect(paths[1]).toContain('stroke-dasharray')
    expect(/stroke="([^"]+)"/.exec(paths[1])![1]).toBe(/stroke="([^"]+)"/.exec(paths[0])![1])
    expect(svg).toContain('round-1-reinit (control)')
    expect(reportPlots([]).training).toBeUndefined()
  })

  it('says a structurally cut layer lost weights, not that they are zero', () => {
    const [, pruned] = fixtureSnapshots
    const cut: Snapshot = {
      ...pruned,
      // dense_1 cut from 20 kernel entries to 10, all of them nonzero.
      metrics: { ...pruned.metrics, layers: [{ name: 'dense_1', type: 'Dense', shape: [2, 5], params: 10, nonzero: 10, sparsity: 0.5, biasParams: 5, builtParams: 20 }] },
    }
    const [stage] = histogramStages([cut])
    expect(stage.sparsity.get('dense_1')).toBe(0)
    expect(stage.removed.get('dense_1')).toBe(0.5)
    expect(reportPlots([cut]).histograms[0].svg).toContain('dense_1 (0.0% zero, 50.0% removed)')
  })
})
