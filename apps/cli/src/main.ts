import { ConfigError, isUsageError, PrunekitError, type BackendName } from '@prunekit/core'
import { stopThreadedWasm } from '@prunekit/tfjs-wasm/node'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { readFileSync } from 'node:fs'
import { compareCommand } from './compare.js'
import { compressCommand, type CompressOptions } from './compress.js'
import { QueueError } from '@prunekit/sweep'
import { sweepCommand, workerCommand } from './sweep.js'
import { inspectCommand } from './inspect.js'
import { initCommand, listCommand, runCommand, RunInterrupted, schemaText, UsageError, validateCommand, type Output } from './commands.js'

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

function parseThreads(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError('threads must be an integer from 1 to 16.')
  return n
}

function parseWorkers(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('workers must be an integer from 1 to 64.')
  return n
}

function parseLockMs(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1000) throw new InvalidArgumentError('the lock must be a whole number of milliseconds, 1000 or more.')
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

/** `--reporter html,png` and `--reporter html --reporter png` both name two reporters. */
function reporterNames(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)
}

/** A repeatable flag that takes one value each time, so it never swallows the positional argument after it. */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value]

const exitCodes = `
Exit codes:
  0  the run finished
  1  the run failed (add --debug for the stack traces down to the failing plugin's own code)
  2  bad usage or a bad config (every problem is listed)
  130, 143  stopped by SIGINT (Ctrl+C) or SIGTERM: the finished steps' reports are written; --resume <out> goes on`

/** The error, then each cause it chains, each with its stack: down to the frame that threw first. */
function causeChain(error: unknown): string[] {
  const lines: string[] = []
  for (let at: unknown = error, depth = 0; at !== undefined && depth < 10; at = (at as { cause?: unknown }).cause, depth++) {
    const text = at instanceof Error ? (at.stack ?? `${at.name}: ${at.message}`) : String(at)
    lines.push(depth === 0 ? text : `Caused by: ${text}`)
    if (!(at instanceof Error)) break
  }
  return lines
}

export interface Io extends Output {
  error(line: string): void
}

const consoleIo: Io = { log: (l) => process.stdout.write(`${l}\n`), error: (l) => process.stderr.write(`${l}\n`) }

function buildProgram(io: Io): Command {
  const program = new Command('prunekit')
    .description('Prune TensorFlow.js models: train, prune, fine-tune, evaluate and report, from a prunekit.yaml pipeline')
    .version(version)
    .option('--debug', 'print the stack traces of an error and of each cause it chains')
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) })

  program
    .command('run')
    .description('run a pipeline (with no file: ./prunekit.yaml if it exists, else the embedded quickstart, LeNet-300-100 on MNIST, 90% magnitude pruning)')
    .argument('[config]', 'prunekit.yaml or .json')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']))
    .option('--threads <n>', 'wasm worker threads, for tfjs and the training engine (opt-in)', parseThreads)
    .option('--out <dir>', 'output directory')
    .option('--seed <n>', 'seed', parseSeed)
    .option('--reporter <names>', 'reporters to use instead of the config\'s: console, json, html, png, markdown (separate with commas, or repeat the flag)', collect)
    .option('--quiet', 'print only the summary')
    .option('--resume <out>', 'continue an interrupted run from its last finished epoch (same config and flags; <out> is its output directory)')
    .addHelpText('after', `\nWith no config, runs ./prunekit.yaml when it exists, else the embedded quickstart.\n${exitCodes}`)
    .action(async (config: string | undefined, opts: { backend?: string; threads?: number; out?: string; seed?: number; reporter?: string[]; quiet?: boolean; resume?: string }) => {
      const { reporter, ...rest } = opts
      await runCommand(config, { ...rest, reporters: reporterNames(reporter) }, io)
    })

  program
    .command('sweep')
    .description('run every trial of the config\'s sweep section (a grid or random draws over config keys); writes sweep.json, sweep.csv and report.html with the Pareto fronts')
    .argument('<config>', 'prunekit.yaml or .json with a sweep section')
    .option('--workers <n>', 'run trials on this many worker threads', parseWorkers)
    .option('--queue <url>', 'enqueue the trials in Redis (redis://host:port) for `prunekit worker` processes on any machine')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']))
    .option('--out <dir>', 'output directory')
    .option('--quiet', 'print nothing but errors')
    .action(async (config: string, opts: { workers?: number; queue?: string; backend?: string; out?: string; quiet?: boolean }) => sweepCommand(config, opts, io))

  program
    .command('worker')
    .description('run sweep trials from a Redis queue (start any number, on any machine) until Ctrl-C')
    .requiredOption('--queue <url>', 'the Redis the sweep enqueued into, redis://host:port')
    .option('--concurrency <n>', 'trials at once, each in its own process', parseWorkers)
    .option('--lock-ms <ms>', 'after this long without a sign of life, a worker counts as dead and its trial is retried elsewhere (default 30000)', parseLockMs)
    .action(async (opts: { queue: string; concurrency?: number; lockMs?: number }) => workerCommand(opts, io))

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
    .option('--include <selector>', 'quantize only these layers (a name or /regex/; repeat the flag for more)', collect)
    .option('--exclude <selector>', 'keep these layers float32 (a name or /regex/; repeat the flag for more), e.g. /bias$/', collect)
    .option('--min-size <n>', 'weights with fewer elements stay float32 (default 1024)', parseMinSize)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']))
    .action(async (model: string, opts: Omit<CompressOptions, 'force'> & { force?: boolean }) => compressCommand(model, { ...opts, force: Boolean(opts.force) }, io))

  program
    .command('inspect')
    .description('print a Layers model\'s layers, params, kernel sparsity and N:M pattern (1:4, 2:4, 4:8) per layer, and its files\' sizes')
    .argument('<model>', 'model.json (stock or sparse export), or the directory holding it')
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(['wasm', 'cpu']))
    .action(async (model: string, opts: { backend?: BackendName }) => inspectCommand(model, opts, io))

  program
    .command('compare')
    .description('put runs side by side in one HTML page: metrics, config differences, training curves')
    .argument('<runs...>', 'out directories of runs (each holding report.json), or report.json files')
    .option('--out <file>', 'the page to write', 'compare.html')
    .option('--title <text>', 'heading of the page')
    .action(async (runs: string[], opts: { out: string; title?: string }) => compareCommand(runs, opts, io))

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
    if (error instanceof RunInterrupted) {
      io.error(error.message)
      return error.exitCode
    }
    const debug = argv.includes('--debug')
    const usage = error instanceof UsageError || error instanceof ConfigError || error instanceof QueueError || isUsageError(error)
    const message = error instanceof Error ? error.message : String(error)
    io.error(`${usage ? 'Error' : 'Run failed'}: ${message}`)
    if (debug) causeChain(error).forEach((line) => io.error(line))
    else if (!usage && !(error instanceof PrunekitError)) io.error('(run with --debug for the stack trace)')
    return usage ? 2 : 1
  } finally {
    stopThreadedWasm() // worker threads would keep the process alive
  }
}
