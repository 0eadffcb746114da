import { setupBackend } from './backend.js'
import { checkSelectors } from './check-selectors.js'
import type { ConfigInput } from './config.js'
import { resolveConfig } from './resolve-config.js'
import type { Dataset } from './data.js'
import { ReporterError, RunInterruptedError, RunStateError, StepError } from './errors.js'
import type { Snapshot } from './metric.js'
import { ModelSlot } from './model-slot.js'
import type { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import type { Reporter, RunResult, StepEndInfo } from './reporter.js'
import { createRng } from './rng.js'
import { buildModel, createReporters, describeRun, loadData } from './run-setup.js'
import { captureRunState, disposeRunState, type RunPosition, type RunState } from './run-state.js'
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
  /**
   * Stops the run at the next safe point (the end of a batch, or between steps): reporters then get a
   * result with `interrupted` set, and so does the caller.
   */
  signal?: AbortSignal
  /**
   * Receives the run's whole state at the end of every epoch of a train or finetune step and after
   * every step but the last, e.g. to save it for a resume; the state is disposed once the call settles.
   */
  onState?: (state: RunState) => void | Promise<void>
  /** Goes on from a captured state (which stays the caller's): its position, model, optimizers, rng and history. */
  resume?: RunState
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
    const info = describeRun(resolved, backend, built.model, data)
    const { resume } = options
    if (resume) {
      built.model.dispose()
      if (resume.position.step > resolved.steps.length) throw new RunStateError(`The saved state stands at step ${resume.position.step + 1}, but the pipeline has ${resolved.steps.length} steps.`)
      slot = await ModelSlot.restore(resume.slot)
    } else slot = new ModelSlot(built.model)
    checkSelectors(resolved, slot.current, options.source)
    await emit(reporters, 'onRunStart', info)
    const ctx = runContext(resolved.config, registry, backend, data, slot, reporters, options.signal)
    const steps: StepEndInfo[] = resume ? structuredClone(resume.steps) : []
    if (resume) {
      ctx.rng.setState(resume.rng)
      ctx.history.push(...structuredClone(resume.history))
    }
    const saveState = async (position: RunPosition): Promise<void> => {
      if (!options.onState) return
      const state = captureRunState(ctx, steps, position)
      try {
        await options.onState(state)
      } finally {
        disposeRunState(state)
      }
    }
    const first = resume?.position.step ?? 0
    let interrupted: RunResult['interrupted']
    for (let index = first; index < resolved.steps.length; index++) {
      const entry = resolved.steps[index]
      ctx.step = { index, name: entry.name, total: resolved.steps.length }
      const start = index === first ? resume?.position.fit : undefined
      ctx.resumableFit = options.onState || start ? { start, epochEnd: (fit) => saveState({ step: index, fit }) } : undefined
      const started = performance.now()
      try {
        if (options.signal?.aborted) throw new RunInterruptedError(`Interrupted (${String(options.signal.reason ?? 'aborted')}) before step ${index + 1} (${entry.name}).`)
        await emit(reporters, 'onStepStart', ctx.step)
        const summary = await runStep(registry, entry.name, ctx, entry.options).catch((cause: unknown) => {
          throw cause instanceof RunInterruptedError || cause instanceof ReporterError ? cause : new StepError(entry.name, index, cause)
        })
        const end: StepEndInfo = { ...ctx.step, seconds: (performance.now() - started) / 1000, summary: summary ?? undefined }
        steps.push(end)
        await emit(reporters, 'onStepEnd', end)
      } catch (error) {
        if (!(error instanceof RunInterruptedError)) throw error
        interrupted = { reason: String(options.signal?.reason ?? 'aborted'), step: ctx.step, message: error.message }
        break
      }
      if (index < resolved.steps.length - 1) await saveState({ step: index + 1 })
    }
    const result: PipelineResult = { snapshots: ctx.history, steps, seconds: (performance.now() - began) / 1000, out: resolved.config.out, files: [], ...(interrupted ? { interrupted } : {}) }
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
  signal: AbortSignal | undefined,
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
    signal,
    progress: (p) => reporters.forEach((r) => r.onProgress?.({ ...p, step: ctx.step })),
    snapshot: async (s) => {
      history.push(s)
      await emit(reporters, 'onSnapshot', s)
    },
  }
  return ctx
}
