import { ConfigError, isUsageError, PrunekitError } from '@prunekit/core'
import { stopThreadedWasm } from '@prunekit/tfjs-wasm/node'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { readFileSync } from 'node:fs'
import { compressCommand, type CompressOptions } from './compress.js'
import { initCommand, listCommand, runCommand, schemaText, UsageError, validateCommand, type Output } from './commands.js'

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

function parseThreads(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError('threads must be an integer from 1 to 16.')
  return n
}

function parseSeed(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new InvalidArgumentError('the seed must be a whole number from 0 to 4294967295 (2^32 - 1).')
  return n
}

function parseSparsity(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) throw new InvalidArgumentError('the fraction of weights to prune must be a number from 0 up to (not including) 1, e.g. 0.9.')
  return n
}

function parseMinSize(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new InvalidArgumentError('the minimum size must be a whole number of elements, 0 or more, e.g. 1024.')
  return n
}

/** `--output Softmax` names an output layer; `--output -1` or `2` is an index. */
const parseOutput = (value: string): string | number => (/^-?\d+$/.test(value) ? Number(value) : value)

/** `--reporter html png` and `--reporter html,png` both name two reporters. */
function reporterNames(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
}

export interface Io extends Output {
  error(line: string): void
}

const consoleIo: Io = { log: (l) => process.stdout.write(`${l}\n`), error: (l) => process.stderr.write(`${l}\n`) }

function buildProgram(io: Io): Command {
  const program = new Command('prunekit')
    .description('Prune TensorFlow.js models: train, prune, fine-tune, evaluate and report, from a prunekit.yaml pipeline')
    .version(version)
    .option('--debug', 'print stack traces of errors')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })

  program
    .command('run')
    .description('run a pipeline (with no file: the embedded quickstart, LeNet-300-100 on MNIST, 90% magnitude pruning)')
    .argument('[config]', 'prunekit.yaml or .json')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']))
    .option('--threads <n>', 'wasm worker threads (opt-in)', parseThreads)
    .option('--out <dir>', 'output directory')
    .option('--seed <n>', 'seed', parseSeed)
    .option('--reporter <name...>', 'reporters to use instead of the config\'s: console, json, html, png, markdown (repeat, or separate with commas)')
    .option('--quiet', 'print only the summary')
    .action(async (config: string | undefined, opts: { backend?: string; threads?: number; out?: string; seed?: number; reporter?: string[]; quiet?: boolean }) => {
      await runCommand(config, { backend: opts.backend, threads: opts.threads, out: opts.out, seed: opts.seed, reporters: reporterNames(opts.reporter), quiet: opts.quiet }, io)
    })

  program
    .command('compress')
    .description('prune a TensorFlow.js Layers model and export it smaller (quantized and/or sparse), no config needed; prints the sizes')
    .argument('<model>', 'model.json, or the directory holding it')
    .requiredOption('--sparsity <fraction>', 'fraction of the kernel weights to prune, 0 <= s < 1, e.g. 0.9', parseSparsity)
    .addOption(new Option('--quantize <dtype>', 'store the weights quantized, in the stock format tf.loadLayersModel decodes').choices(['uint8', 'uint16', 'float16']))
    .addOption(new Option('--format <format>', 'layers: model.json + weights.bin for stock tfjs; sparse: non-zero weights only, for @prunekit/sparse-loader').choices(['layers', 'sparse']).default('layers'))
    .option('--out <dir>', 'directory to write (must be empty or missing, unless --force)', 'compressed')
    .option('--force', 'write into a non-empty --out directory')
    .addOption(new Option('--scope <scope>', 'global: one cut across all layers; layer: the same sparsity in each layer').choices(['global', 'layer']).default('global'))
    .option('--strategy <name>', 'pruning strategy (prunekit list strategies)', 'magnitude')
    .option('--output <name|index>', 'for multi-output models: the prediction output, by layer name or index (default: the last)', parseOutput)
    .option('--include <selectors...>', 'quantize only these layers (names or /regex/)')
    .option('--exclude <selectors...>', 'keep these layers float32 (names or /regex/), e.g. /bias$/')
    .option('--min-size <n>', 'weights with fewer elements stay float32 (default 1024)', parseMinSize)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']))
    .action(async (model: string, opts: Omit<CompressOptions, 'force'> & { force?: boolean }) => compressCommand(model, { ...opts, force: Boolean(opts.force) }, io))

  program
    .command('validate')
    .description('check a config (schema, names, options) and report every problem at once')
    .argument('<config>', 'prunekit.yaml or .json')
    .action(async (config: string) => validateCommand(config, io))

  program
    .command('list')
    .description('list strategies, models, datasets, metrics, reporters, steps and schedules')
    .argument('[kind]', 'only this kind, e.g. strategies')
    .option('--config <file>', 'also load the plugins this config names')
    .action(async (kind: string | undefined, opts: { config?: string }) => listCommand(kind, opts.config, io))

  program
    .command('init')
    .description('write a commented starter prunekit.yaml')
    .argument('[file]', 'where to write it', 'prunekit.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (file: string, opts: { force?: boolean }) => initCommand(file, Boolean(opts.force), io))

  program
    .command('schema')
    .description('print the JSON Schema of prunekit.yaml')
    .option('--config <file>', 'also cover the steps, strategies and schedules of the plugins this config names')
    .action(async (opts: { config?: string }) => void process.stdout.write(await schemaText(opts.config)))

  return program
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failed run, 2 bad usage or bad config. */
export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const program = buildProgram(io)
  try {
    await program.parseAsync(argv)
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    const debug = argv.includes('--debug')
    const usage = error instanceof UsageError || error instanceof ConfigError || isUsageError(error)
    const message = error instanceof Error ? error.message : String(error)
    io.error(`${usage ? 'Error' : 'Run failed'}: ${message}`)
    if (debug && error instanceof Error) io.error(error.stack ?? '')
    else if (!usage && !(error instanceof PrunekitError)) io.error('(run with --debug for the stack trace)')
    return usage ? 2 : 1
  } finally {
    stopThreadedWasm() // worker threads would keep the process alive
  }
}
