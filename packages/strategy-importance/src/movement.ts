import { PluginError, scoreStrategy, type GradientWatch, type PruningStrategy, type SelectionOptions } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import { pluginName, readAll } from './data.js'

/** movement takes core's selection options only. */
export type MovementOptions = SelectionOptions

/** What a fit has accumulated: -Σ w·g per weight, over its optimizer steps so far. */
interface Accumulated {
  scores: Map<string, tf.Tensor>
  steps: number
}

const usage = 'use it as the schedule-driven prune of a train or finetune step: finetune: { prune: { strategy: movement, schedule: { name: polynomial, finalSparsity: 0.9, endStep: 500 } } }'

/**
 * Movement pruning (Sanh et al. 2020): a weight's score is -Σ w·∂L/∂w over the fine-tuning steps so far,
 * so weights that training pushes away from zero survive. Each instance holds the scores of the fit it
 * watches; the plugin makes one per registry.
 */
export function movementStrategy(): PruningStrategy<MovementOptions> {
  let watched: Accumulated | undefined
  const watch = (): GradientWatch => {
    const state: Accumulated = { scores: new Map(), steps: 0 }
    watched = state
    return {
      step(gradients, model) {
        state.steps++
        for (const ref of model.weights()) {
          const g = gradients.get(ref.key)
          if (!g) continue
          const previous = state.scores.get(ref.key)
          // A structured prune may have resized the weight: its movement starts over.
          const base = previous && previous.size === ref.size ? previous : undefined
          const next = tf.tidy(() => {
            const moved = tf.neg(tf.mul(ref.variable.read(), g))
            return base ? tf.add(base, moved) : moved
          })
          previous?.dispose()
          state.scores.set(ref.key, tf.keep(next))
        }
      },
      close() {
        tf.dispose([...state.scores.values()])
        state.scores.clear()
        if (watched === state) watched = undefined
      },
    }
  }
  const strategy = scoreStrategy({
    name: 'movement',
    description: 'Importance: -Σ w · ∂L/∂w summed over every optimizer step of the fine-tuning it prunes during, on a schedule (movement pruning, Sanh et al. 2020)',
    async scoreAll(model, refs) {
      if (!watched) throw new PluginError(pluginName, `movement scores weights by how fine-tuning moves them, so it only prunes while a fit runs: ${usage}.`)
      if (watched.steps === 0) throw new PluginError(pluginName, `movement was asked to prune before the first optimizer step, when no weight has moved: start the schedule at initialSparsity 0 (the default), or with a later beginStep.`)
      const scores = tf.tidy(() => refs.map((ref) => (watched!.scores.has(ref.key) ? tf.clone(watched!.scores.get(ref.key)!) : tf.zeros(ref.shape))))
      return readAll(scores)
    },
  })
  return { ...strategy, watch }
}
