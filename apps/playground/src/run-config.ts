import type { ConfigInput } from '@prunekit/core'
import type { DownloadFormat } from './protocol.js'

type Options = Record<string, unknown>

/** The model: one of the zoo's, or the one dropped on the page (its model.json's name, and the output to prune for). */
export type ModelChoice = { zoo: string; options: Options } | { file: string; output?: string | number }

/** The data: a registered dataset, the bundled digits (a CSV), or the user's CSV. */
export type DataChoice = { dataset: string; options: Options } | { csv: 'digits.csv' | (string & {}); text: string; options: Options }

/** Everything the form says about a run. */
export interface Choices {
  seed: number
  model: ModelChoice
  data: DataChoice
  trainEpochs: number
  finetuneEpochs: number
  learningRate: number
  batchSize: number
  strategy: string
  /** The strategy's options, sparsity among them. */
  strategyOptions: Options
  /** Gradual pruning during fine-tuning (absent: prune once, then fine-tune). */
  schedule?: { name: string; options: Options }
  download: DownloadFormat
}

/** The steps after the model and data: train, prune (once, or on a schedule while fine-tuning), fine-tune, an evaluation after each. */
function pipeline(c: Choices): ConfigInput['pipeline'] {
  const steps: NonNullable<ConfigInput['pipeline']> = []
  if (c.trainEpochs > 0) steps.push({ train: { epochs: c.trainEpochs } })
  steps.push({ evaluate: { label: c.trainEpochs > 0 ? 'trained' : 'baseline' } })
  if (c.schedule) {
    const { sparsity: _, ...options } = c.strategyOptions
    steps.push({ finetune: { epochs: Math.max(1, c.finetuneEpochs), prune: { strategy: c.strategy, ...options, schedule: { name: c.schedule.name, ...c.schedule.options } } } })
    steps.push({ evaluate: { label: 'finetuned' } })
    return steps
  }
  steps.push({ prune: { strategy: c.strategy, ...c.strategyOptions } })
  steps.push({ evaluate: { label: 'pruned' } })
  if (c.finetuneEpochs > 0) {
    steps.push({ finetune: { epochs: c.finetuneEpochs } })
    steps.push({ evaluate: { label: 'finetuned' } })
  }
  return steps
}

const common = (c: Choices) => ({
  seed: c.seed,
  backend: 'wasm' as const,
  train: { learningRate: c.learningRate, batchSize: c.batchSize },
})

/** The config the page runs: the dropped model and CSVs come from memory, nothing is written. */
export function pageConfig(c: Choices): ConfigInput {
  const model = 'zoo' in c.model ? { zoo: c.model.zoo, ...c.model.options } : { path: c.model.file, ...(c.model.output === undefined ? {} : { output: c.model.output }) }
  const data = 'dataset' in c.data ? { dataset: c.data.dataset, ...c.data.options } : { dataset: 'csv', text: c.data.text, ...c.data.options }
  return { ...common(c), model, data, pipeline: pipeline(c), reporters: [], out: 'out' } as ConfigInput
}

/**
 * The same run as a prunekit.yaml for the CLI: the dropped model is read from ./model/, a CSV from beside
 * the file, and the pruned model exported as the page downloads it, with the console and HTML reports.
 */
export function cliConfig(c: Choices): ConfigInput {
  const page = pageConfig(c) as ConfigInput & { model: Options; data: Options }
  const model = 'zoo' in c.model ? page.model : { ...page.model, path: `./model/${c.model.file}` }
  const data = 'dataset' in c.data ? page.data : { dataset: 'csv', path: `./${c.data.csv}`, ...c.data.options }
  const exportStep = { export: { dir: 'model-pruned', format: c.download.format, ...(c.download.quantize ? { quantize: c.download.quantize } : {}) } }
  return { ...page, model, data, pipeline: [...(page.pipeline ?? []), exportStep], reporters: ['console', 'html'], out: 'out' } as ConfigInput
}

/** The comment at the top of the downloaded prunekit.yaml: which files to put beside it. */
export function cliNotes(c: Choices): string {
  const lines = ['# Made by the prunekit playground. Run it with: npx prunekit run prunekit.yaml']
  if ('file' in c.model) lines.push(`# Put the model you dropped (${c.model.file} and its weight files) in ./model/ beside this file.`)
  if ('csv' in c.data) lines.push(c.data.csv === 'digits.csv' ? '# Put digits.csv (the playground serves it at ./digits.csv) beside this file.' : `# Put ${c.data.csv} beside this file.`)
  return `${lines.join('\n')}\n`
}
