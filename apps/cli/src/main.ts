import { ConfigError, isUsageError, PrunekitError } from '@prunekit/core'
import { stopThreadedWasm } from '@prunekit/tfjs-wasm/node'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import { readFileSync } from 'node:fs'
import { initCommand, listCommand, runCommand, schemaText, UsageError, validateCommand, type Output } from './commands.js'

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

function parseThreads(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new InvalidArgumentError('threads must be an integer from 1 to 16.')
  return n
}

function parseSeed(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n)) throw new InvalidArgumentError('the seed must be an integer.')
  return n
}

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
