import type { z } from 'zod'
import { suggestName } from './suggest.js'

/** Stable codes for every error prunekit throws on purpose. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'UNKNOWN_NAME'
  | 'DUPLICATE_NAME'
  | 'PLUGIN_FAILED'
  | 'MODEL_INVALID'
  | 'DATA_INVALID'
  | 'BACKEND_FAILED'
  | 'STEP_FAILED'
  | 'PRUNE_INVALID'
  | 'RUN_INTERRUPTED'
  | 'STATE_INVALID'
  | 'OUTPUT_FAILED'
  | 'REPORTER_FAILED'

/** Base class: a message that says what went wrong, where, and how to fix it. */
export class PrunekitError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/** One problem in a config, located by its path (`pipeline.2.prune.sparsity`). */
export interface ConfigIssue {
  path: string
  message: string
}

/** zod's issues as config issues, their paths joined with dots under `prefix`. */
export function configIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return issues.map((issue) => ({ path: [...prefix, ...issue.path].map(String).join('.'), message: issue.message }))
}

/** Issues as `path: message` lines; an issue at the root is shown under `root`. */
export function issueLines(issues: readonly ConfigIssue[], root = '(root)'): string[] {
  return issues.map((i) => `${i.path || root}: ${i.message}`)
}

export class ConfigError extends PrunekitError {
  readonly issues: ConfigIssue[]
  constructor(issues: ConfigIssue[], source?: string) {
    const where = source ? ` in ${source}` : ''
    const lines = issueLines(issues).map((line) => `  ${line}`)
    super('CONFIG_INVALID', `Invalid config${where} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`)
    this.issues = issues
  }
}

/**
 * `unknown strategy "magnitud". Did you mean "magnitude"? Known: magnitude, ...`: the nearest known name
 * when it is a plausible typo, then every known one; `hint` follows "(none)" when nothing is known.
 */
export function unknownNameMessage(kind: string, requested: string, known: readonly string[], hint = ''): string {
  const nearest = suggestName(requested, known)
  return `unknown ${kind} "${requested}".${nearest ? ` Did you mean "${nearest}"?` : ''} Known: ${known.length ? known.join(', ') : `(none)${hint}`}`
}

export class UnknownNameError extends PrunekitError {
  readonly suggestion: string | undefined
  constructor(
    readonly kind: string,
    readonly requested: string,
    readonly known: string[],
  ) {
    super('UNKNOWN_NAME', unknownNameMessage(kind, requested, known))
    this.suggestion = suggestName(requested, known)
  }
}

export class DuplicateNameError extends PrunekitError {
  constructor(kind: string, name: string, existingSource?: string) {
    const from = existingSource ? ` by ${existingSource}` : ''
    super('DUPLICATE_NAME', `A ${kind} named "${name}" is already registered${from}. Pick another name, or pass { override: true } to replace it.`)
  }
}

export class PluginError extends PrunekitError {
  constructor(plugin: string, message: string, options?: { cause?: unknown }) {
    super('PLUGIN_FAILED', `[plugin:${plugin}] ${message}`, options)
  }
}

/** A base class for errors that differ only in their code: `class ModelError extends withCode('MODEL_INVALID') {}`. */
function withCode(code: ErrorCode) {
  return class extends PrunekitError {
    constructor(message: string, options?: { cause?: unknown }) {
      super(code, message, options)
    }
  }
}

export class ModelError extends withCode('MODEL_INVALID') {}
export class DataError extends withCode('DATA_INVALID') {}
export class BackendError extends withCode('BACKEND_FAILED') {}
export class PruneError extends withCode('PRUNE_INVALID') {}
/** A saved run state that is missing, corrupt, or does not belong to the config being resumed. */
export class RunStateError extends withCode('STATE_INVALID') {}
/** Thrown at a safe point (the end of a batch, between steps) once the run's abort signal fired. */
export class RunInterruptedError extends withCode('RUN_INTERRUPTED') {}
/** Writing the run's outputs failed: a path that is not a directory, read-only, full, or locked by another run. */
export class OutputError extends withCode('OUTPUT_FAILED') {}

export class StepError extends PrunekitError {
  constructor(step: string, index: number, cause: unknown) {
    const inner = cause instanceof Error ? cause.message : String(cause)
    super('STEP_FAILED', `Step ${index + 1} (${step}) failed: ${inner}`, { cause })
  }
}

/** A reporter's hook threw: blamed on the reporter, whichever step was running. */
export class ReporterError extends PrunekitError {
  constructor(reporter: string, hook: string, cause: unknown) {
    const inner = cause instanceof Error ? cause.message : String(cause)
    super('REPORTER_FAILED', `Reporter "${reporter}" failed (in ${hook}): ${inner}`, { cause })
  }
}

/** True for errors caused by the user's input (exit code 2 in the CLI), false for failed runs. */
export function isUsageError(error: unknown): boolean {
  const root = error instanceof StepError ? error.cause : error
  return (
    root instanceof PrunekitError &&
    ['CONFIG_INVALID', 'UNKNOWN_NAME', 'DUPLICATE_NAME', 'PLUGIN_FAILED', 'MODEL_INVALID', 'DATA_INVALID', 'PRUNE_INVALID', 'STATE_INVALID'].includes(root.code)
  )
}
