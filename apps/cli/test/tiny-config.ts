const defaultSteps = ['evaluate: { label: baseline }', 'prune: { strategy: magnitude, sparsity: 0.8 }', 'evaluate: { label: pruned }', 'finetune: { epochs: 1 }', 'evaluate: { label: finetuned }']

/**
 * A pipeline small enough for tests: an MLP with 32 hidden units on 600 / 200 real MNIST digits.
 * `reporters: null` leaves the key out, so the default reporters run; `steps` are the pipeline's steps
 * after its first `train: { epochs: 2 }`, one YAML flow mapping each.
 */
export function tinyConfig({ reporters = '[console, json]', extra = '', steps = defaultSteps }: { reporters?: string | null; extra?: string; steps?: readonly string[] } = {}): string {
  return `
seed: 3
backend: wasm
model: { zoo: mlp, units: [32] }
data: { dataset: mnist, train: 600, test: 200 }
train: { batchSize: 32, learningRate: 0.003 }
pipeline:
  - train: { epochs: 2 }
${steps.map((step) => `  - ${step}\n`).join('')}${reporters === null ? '' : `reporters: ${reporters}\n`}out: out
${extra}`
}
