import { setupBackend } from './backend.js'
import { checkSelectors } from './check-selectors.js'
import type { ConfigInput } from './config.js'
import { resolveConfig } from './resolve-config.js'
import type { Dataset } from './data.js'
import { ReporterError, StepError } from './errors.js'
import type { Snapshot } from './metric.js'
import { ModelSlot } from './model-slot.js'
import type { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import type { Reporter, RunResult, StepEndInfo } from './reporter.js'
import { createRng } from './rng.js'
import { buildModel, createReporters, describeRun, loadData } from './run-setup.js'
import type { RunContext } from './registry.js'

export interface RunOptions {
  registry: Registry
  /** Reporters to add to those the config names (e.g. a UI's own). */
  reporters?: Reporter[]
  /** Where the config came from, for error messages. */
  source?: string
  /** Silences progress output of reporters that print. */
  quiet?: boolean
  /** Keep the final model alive and return it (the caller must dispose it). */
  keepModel?: boolean
  /** Memory the run may use, e.g. os.totalmem(); a zoo model estimated above it (or above the wasm heap's 4 GiB) is refused before it is built. */
  memoryBytes?: number
}

/** wasm32 addresses at most 4 GiB: the wasm backend's whole heap. */
const wasmHeapBytes = 2 ** 32

export interface PipelineResult extends RunResult {
  /** The final model, when keepModel is set. */
  model?: PrunableModel
}

type Hook = Exclude<keyof Reporter, 'onRunEnd'>

async function emit<K extends Hook>(reporters: Reporter[], hook: K, arg: Parameters<NonNullable<Reporter[K]>>[0]): Promise<void> {
  for (const reporter of reporters) await (reporter[hook] as ((a: typeof arg) => unknown) | undefined)?.call(reporter, arg)
}

/** Runs a pipeline config (validated first, every problem reported at once) with a registry. */
export async function runPipeline(rawConfig: ConfigInput | unknown, options: RunOptions): Promise<PipelineResult> {
  const { registry } = options
  const resolved = resolveConfig(rawConfig, registry, options.source)
  const began = performance.now()
  const backend = await setupBackend(resolved.config.backend, { threads: resolved.config.threads })
  const reporters = createReporters(resolved, registry, options.reporters, options.quiet)
  let data: Dataset = await loadData(resolved, registry)
  let slot: ModelSlot | undefined
  try {
    const memory = Math.min(options.memoryBytes ?? Infinity, backend.name === 'wasm' ? wasmHeapBytes : Infinity)
    const built = await buildModel(resolved, registry, data, Number.isFinite(memory) ? memory : undefined)
    data = built.data
    slot = new ModelSlot(built.model)
    checkSelectors(resolved, built.model, options.source)
    await emit(reporters, 'onRunStart', describeRun(resolved, backend, built.model, data))
    const ctx = runContext(resolved.config, registry, backend, data, slot, reporters)
    const steps: StepEndInfo[] = []
    for (const [index, entry] of resolved.steps.entries()) {
      ctx.step = { index, name: entry.name, total: resolved.steps.length }
      await emit(reporters, 'onStepStart', ctx.step)
      const started = performance.now()
      const summary = await runStep(registry, entry.name, ctx, entry.options).catch((cause: unknown) => {
        throw cause instanceof ReporterError ? cause : new StepError(entry.name, index, cause)
      })
      const end: StepEndInfo = { ...ctx.step, seconds: (performance.now() - started) / 1000, summary: summary ?? undefined }
      steps.push(end)
      await emit(reporters, 'onStepEnd', end)
    }
    const result: PipelineResult = { snapshots: ctx.history, steps, seconds: (performance.now() - began) / 1000, out: resolved.config.out, files: [] }
    for (const reporter of reporters) result.files.push(...((await reporter.onRunEnd?.(result)) ?? []))
    if (options.keepModel) result.model = slot.detach()
    return result
  } finally {
    slot?.dispose()
    data.dispose()
  }
}

/** A step's run, with a synchronous throw turned into a rejection like any other failure. */
async function runStep(registry: Registry, name: string, ctx: RunContext, options: unknown): Promise<string | void> {
  return registry.steps.get(name).run(ctx, options)
}

function runContext(
  config: RunContext['config'],
  registry: Registry,
  backend: RunContext['backend'],
  data: Dataset,
  slot: ModelSlot,
  reporters: Reporter[],
): RunContext {
  const history: Snapshot[] = []
  const ctx: RunContext = {
    config,
    registry,
    backend,
    rng: createRng(config.seed + 1),
    data,
    slot,
    get model() {
      return slot.current
    },
    history,
    step: { index: 0, name: '', total: 0 },
    progress: (p) => reporters.forEach((r) => r.onProgress?.({ ...p, step: ctx.step })),
    snapshot: async (s) => {
      history.push(s)
      await emit(reporters, 'onSnapshot', s)
    },
  }
  return ctx
}
