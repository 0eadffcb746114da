import { setupBackend } from './backend.js'
import { resolveConfig, type ConfigInput } from './config.js'
import { DataError, ModelError, PrunekitError, StepError } from './errors.js'
import { Checkpoint } from './checkpoint.js'
import { fitDataToModel } from './fit-data.js'
import type { Snapshot } from './metric.js'
import { PrunableModel } from './model.js'
import type { Registry } from './registry.js'
import type { Reporter, RunResult, StepEndInfo, StepInfo } from './reporter.js'
import { createRng } from './rng.js'
import { carryOptimizer, stateLayout, type StateLayout } from './optimizer-state.js'
import { createOptimizer } from './trainer.js'
import type * as tf from '@tensorflow/tfjs-core'
import type { RunContext } from './step.js'

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
}

export interface PipelineResult extends RunResult {
  /** The final model, when keepModel is set. */
  model?: PrunableModel
}

type Hook = Exclude<keyof Reporter, 'onRunEnd'>

async function emit<K extends Hook>(reporters: Reporter[], hook: K, arg: Parameters<NonNullable<Reporter[K]>>[0]): Promise<void> {
  for (const reporter of reporters) await (reporter[hook] as ((a: typeof arg) => unknown) | undefined)?.call(reporter, arg)
}

function wrap(kind: 'model' | 'data', name: string, cause: unknown): PrunekitError {
  if (cause instanceof PrunekitError) return cause
  const message = `Could not ${kind === 'model' ? 'build model' : 'load dataset'} "${name}": ${(cause as Error)?.message ?? cause}`
  return kind === 'model' ? new ModelError(message, { cause }) : new DataError(message, { cause })
}

/** Runs a pipeline config (validated first, every problem reported at once) with a registry. */
export async function runPipeline(rawConfig: ConfigInput | unknown, options: RunOptions): Promise<PipelineResult> {
  const { registry } = options
  const resolved = resolveConfig(rawConfig, registry, options.source)
  const { config } = resolved
  const began = performance.now()
  const backend = await setupBackend(config.backend, { threads: config.threads })
  const reporters = [
    ...resolved.reporters.map((r) => registry.reporters.get(r.name).create(r.options, { out: config.out, quiet: options.quiet ?? false })),
    ...(options.reporters ?? []),
  ]

  const datasetFactory = registry.datasets.get(resolved.data.name)
  let data = await datasetFactory.load(resolved.data.options, { seed: config.seed, rng: createRng(config.seed) }).catch((e: unknown) => {
    throw wrap('data', resolved.data.name, e)
  })
  let model: PrunableModel | undefined
  let succeeded = false
  let disposeRunState = () => {}
  try {
    const built = await Promise.resolve(
      registry.models.get(resolved.model.name).build(resolved.model.options, {
        inputShape: data.featureShape,
        numClasses: data.numClasses,
        task: data.task,
        rng: createRng(config.seed ^ 0x5bd1e995),
      }),
    ).catch((e: unknown) => {
      throw wrap('model', resolved.model.name, e)
    })
    model = built instanceof PrunableModel ? built : new PrunableModel(built)
    data = fitDataToModel(data, model, resolved.model.name)
    const history: Snapshot[] = []
    const stepNames = resolved.steps.map((s) => s.name)
    await emit(reporters, 'onRunStart', {
      config,
      backend,
      model: { name: resolved.model.name, params: model.model.countParams(), layers: model.model.layers.length },
      data: { name: data.name, train: data.train.size, test: data.test.size, task: data.task },
      steps: stepNames,
    })

    const optimizers = new Map<string, { model: PrunableModel; layout: StateLayout; optimizer: tf.Optimizer }>()
    const checkpoints = new Map([['init', Checkpoint.capture(model)]])
    disposeRunState = () => {
      optimizers.forEach(({ optimizer }) => optimizer.dispose())
      checkpoints.forEach((c) => c.dispose())
    }
    const ctx: RunContext = {
      config,
      registry,
      backend,
      rng: createRng(config.seed + 1),
      data,
      model,
      history,
      checkpoints,
      step: { index: 0, name: '', total: stepNames.length },
      optimizer(name, learningRate) {
        const key = `${name}:${learningRate}`
        const cached = optimizers.get(key)
        if (cached?.model === ctx.model) return cached.optimizer
        // A model that structured pruning rebuilt continues its predecessor's state for the units it kept.
        const create = () => createOptimizer(name, learningRate)
        const optimizer = cached ? carryOptimizer(cached.optimizer, cached.layout, ctx.model, create) : create()
        cached?.optimizer.dispose()
        optimizers.set(key, { model: ctx.model, layout: stateLayout(ctx.model), optimizer })
        return optimizer
      },
      progress: (p) => reporters.forEach((r) => r.onProgress?.({ ...p, step: ctx.step })),
      snapshot: async (s) => {
        history.push(s)
        await emit(reporters, 'onSnapshot', s)
      },
    }
    const finished: StepEndInfo[] = []
    for (const [index, entry] of resolved.steps.entries()) {
      const step: StepInfo = { index, name: entry.name, total: stepNames.length }
      ctx.step = step
      await emit(reporters, 'onStepStart', step)
      const started = performance.now()
      let summary: string | void
      try {
        summary = await registry.steps.get(entry.name).run(ctx, entry.options)
      } catch (cause) {
        model = ctx.model // a step may have replaced the model before it failed
        throw new StepError(entry.name, index, cause)
      }
      model = ctx.model
      const end: StepEndInfo = { ...step, seconds: (performance.now() - started) / 1000, summary: summary ?? undefined }
      finished.push(end)
      await emit(reporters, 'onStepEnd', end)
    }
    const result: PipelineResult = { snapshots: history, steps: finished, seconds: (performance.now() - began) / 1000, out: config.out, files: [] }
    for (const reporter of reporters) {
      const written = await reporter.onRunEnd?.(result)
      if (written) result.files.push(...written)
    }
    if (options.keepModel) result.model = model
    succeeded = true
    return result
  } finally {
    disposeRunState()
    data.dispose()
    if (model && !(options.keepModel && succeeded)) model.dispose()
  }
}
