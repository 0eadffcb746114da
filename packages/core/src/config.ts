import { z } from 'zod'
import { sweepSchema } from './sweep-config.js'
import { trainDefaultsSchema } from './trainer.js'

/** A one-key map: `{ train: { epochs: 5 } }`, or a bare name such as `console`. */
const namedEntry = z.union([z.string(), z.record(z.string(), z.unknown())])

/** 1 GiB: the default bound on a loaded model's declared weight bytes; far above prunekit's models, far below what would exhaust a machine. */
export const defaultMaxModelBytes = 2 ** 30

/** `{ path, output }`: a saved tfjs Layers model, loaded by the registry's `file` model. */
export const fileModelSchema = z
  .object({
    path: z.string().min(1).describe('model.json, or the directory holding it (relative to the config file)'),
    output: z
      .union([z.string(), z.number().int()])
      .optional()
      .describe('For multi-output models: the output to train and evaluate, by layer name or index (-1: the last)'),
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(defaultMaxModelBytes)
      .describe('The most weight bytes the model may declare, checked before anything is read (default 1 GiB: 1073741824)'),
    allowNonFinite: z.boolean().default(false).describe('Load weights that hold NaN or Infinity (default false: refused, naming the weight)'),
  })
  .strict()

/** The zoo name that `model: { path }` stands for. */
export const fileModelName = 'file'

export const quickstartPipeline = [
  { train: { epochs: 5 } },
  { evaluate: { label: 'baseline' } },
  { prune: { strategy: 'magnitude', sparsity: 0.9, scope: 'global' } },
  { evaluate: { label: 'pruned' } },
  { finetune: { epochs: 2 } },
  { evaluate: { label: 'finetuned' } },
]

export const configSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of the JSON Schema, for editor completion'),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(42).describe('Seed for data splits, initialisation and shuffling: a whole number from 0 to 4294967295 (2^32 - 1; larger ones would alias smaller ones)'),
    backend: z.enum(['wasm', 'cpu']).default('wasm').describe('TensorFlow.js backend: wasm (SIMD) or cpu'),
    threads: z.number().int().min(1).max(16).default(1).describe('wasm worker threads, for tfjs-backend-wasm and the training engine (opt-in; 1 is single-threaded)'),
    plugins: z.array(z.string()).default([]).describe('Plugins to load: package names or paths relative to the config file'),
    model: z
      .union([z.object({ zoo: z.string().describe('Name of a model in the registry (prunekit list models)') }).catchall(z.unknown()), fileModelSchema])
      .default({ zoo: 'lenet-300-100' })
      .describe('The model: { zoo: name, ...options } to build one, or { path: model.json, output } to load one'),
    data: z
      .object({ dataset: z.string().describe('Name of a dataset in the registry (prunekit list datasets)') })
      .catchall(z.unknown())
      .default({ dataset: 'mnist', train: 8000, test: 2000 })
      .describe('The dataset: { dataset: name, ...options }'),
    train: trainDefaultsSchema.default(trainDefaultsSchema.parse({})).describe('Defaults for every train and finetune step'),
    pipeline: z.array(namedEntry).min(1).default(quickstartPipeline).describe('Steps, in order; each is { stepName: options }'),
    reporters: z.array(namedEntry).default(['console', 'json', 'html', 'png']).describe('Reporters, in order: names, or { name: options } (console, json, html, png, markdown)'),
    out: z.string().default('out').describe('Output directory for reports and exported models'),
    sweep: sweepSchema.optional().describe('Trials for `prunekit sweep`: config keys and the values to try (a grid, or random draws)'),
  })
  .strict()

export type ConfigInput = z.input<typeof configSchema>
export type PipelineConfig = z.output<typeof configSchema>
