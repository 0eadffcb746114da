import { countForSparsity, createRng, magnitude, PrunableModel, selectLowest, setupBackend } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { medianSeconds, round, type Row, type Suite } from './measure.js'

/** Random weights spread over four "layers" of 40%, 30%, 20% and 10% of the total. */
function layers(total: number): Float32Array[] {
  const rng = createRng(7)
  return [0.4, 0.3, 0.2, 0.1].map((share) => Float32Array.from({ length: Math.round(total * share) }, () => rng.next() * 2 - 1))
}

/** Global magnitude selection: the exact radix select reads |w| from the weights in place, no copy. */
function selectGlobal(weights: Float32Array[], sparsity: number): Uint8Array[] {
  const total = weights.reduce((n, w) => n + w.length, 0)
  return selectLowest(weights, countForSparsity(total, sparsity), 'magnitude')
}

async function fullPrune(total: number): Promise<number> {
  await setupBackend('wasm')
  const width = Math.round(Math.sqrt(total / 4))
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [width], units: width }), ...[1, 2, 3].map(() => tfl.layers.dense({ units: width }))],
  })
  const seconds = await medianSeconds(async () => {
    const pm = new PrunableModel(model)
    await magnitude.prune(pm, { options: magnitude.options.parse({ sparsity: 0.9 }) }, { rng: createRng(1) })
    pm.masks.dispose()
  }, 3, 1)
  model.dispose()
  return seconds
}

export const selectionSuite: Suite = {
  name: 'selection',
  description: 'Global magnitude selection (90% sparsity) over 1M, 10M and 100M weights in four layers: seconds and extra memory',
  async run(log) {
    const rows: Row[] = []
    for (const total of [1e6, 1e7, 1e8]) {
      const weights = layers(total)
      global.gc?.()
      const before = process.memoryUsage().arrayBuffers
      let peak = before
      const seconds = await medianSeconds(() => {
        const masks = selectGlobal(weights, 0.9)
        peak = Math.max(peak, process.memoryUsage().arrayBuffers)
        return masks
      }, total >= 1e8 ? 3 : 5, 1)
      const extra = (peak - before) / (total * 4)
      log(`select ${total.toExponential(0)} weights: ${seconds.toFixed(3)} s, extra memory ${extra.toFixed(2)}x the weights`)
      rows.push({ weights: total, seconds: round(seconds, 3), extraMemoryVsWeights: round(extra, 2), path: 'radix select on |w| in place' })
    }
    const seconds = await fullPrune(1e7)
    log(`magnitude.prune on a 10M-weight tfjs model (wasm): ${seconds.toFixed(3)} s`)
    rows.push({ weights: 1e7, seconds: round(seconds, 3), extraMemoryVsWeights: null, path: 'magnitude.prune on a tf.LayersModel (wasm)' })
    tf.disposeVariables()
    return rows
  },
}
