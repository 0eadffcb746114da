import { ConfigError } from '@prunekit/core'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parse, YAMLParseError } from 'yaml'

export interface LoadedConfig {
  raw: Record<string, unknown>
  /** The file it came from, for messages; "(embedded quickstart)" when none. */
  source: string
  /** Directory that relative plugin paths are resolved against. */
  baseDir: string
}

export interface ConfigOverrides {
  backend?: string
  threads?: number
  out?: string
  seed?: number
  reporters?: string[]
}

/** Reads a YAML or JSON config file (JSON is YAML), reporting syntax errors with line and column. */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const file = resolve(path)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : (cause as Error).message
    throw new ConfigError([{ path: '', message: `cannot read ${path}: ${why}. Run \`prunekit init\` to write a starter prunekit.yaml.` }], path)
  }
  let raw: unknown
  try {
    raw = parse(text, { prettyErrors: true })
  } catch (cause) {
    if (cause instanceof YAMLParseError) {
      const [line, col] = cause.linePos?.[0] ? [cause.linePos[0].line, cause.linePos[0].col] : [0, 0]
      throw new ConfigError([{ path: `line ${line}, column ${col}`, message: cause.message.split('\n')[0] }], path)
    }
    // yaml refuses alias bombs (a few lines that expand to millions of nodes) with a ReferenceError
    const why = cause instanceof Error ? cause.message : String(cause)
    throw new ConfigError([{ path: '', message: `cannot be read as YAML: ${why}. Write each value out instead of nesting aliases (*name) of aliases.` }], path)
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError([{ path: '', message: 'the file is empty. Write a config (`prunekit init` writes a commented starter), or run `prunekit run` with no file for the quickstart.' }], path)
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ path: '', message: `expected a mapping of keys (seed, model, data, pipeline ...), got ${Array.isArray(raw) ? 'a list' : typeof raw}` }], path)
  }
  return { raw: raw as Record<string, unknown>, source: path, baseDir: dirname(file) }
}

export function embeddedQuickstart(): LoadedConfig {
  return { raw: {}, source: '(embedded quickstart)', baseDir: process.cwd() }
}

const isLocal = (path: unknown): path is string => typeof path === 'string' && !/^https?:\/\//i.test(path)
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** `{ path }` with a local path made absolute; anything else as it was. */
function withPath(value: unknown, baseDir: string): unknown {
  if (!isRecord(value) || typeof value.path !== 'string' || /^https?:\/\//i.test(value.path)) return value
  return { ...value, path: resolve(baseDir, value.path) }
}

/** A fit step's `distill: { teacher: { path } }` resolved. */
function withTeacherPath(entry: unknown, baseDir: string): unknown {
  if (!isRecord(entry)) return entry
  return Object.fromEntries(
    Object.entries(entry).map(([step, options]) =>
      isRecord(options) && isRecord(options.distill) ? [step, { ...options, distill: { ...options.distill, teacher: withPath(options.distill.teacher, baseDir) } }] : [step, options],
    ),
  )
}

/** Paths inside a config (model.path, data.dir, data.path, data.trainFiles ..., a distillation teacher's path, out) are relative to the config file, as plugin paths are. */
export function resolveConfigPaths(raw: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const resolved: Record<string, unknown> = raw.model === undefined ? { ...raw } : { ...raw, model: withPath(raw.model, baseDir) }
  if (Array.isArray(raw.pipeline)) resolved.pipeline = raw.pipeline.map((entry) => withTeacherPath(entry, baseDir))
  if (isRecord(raw.data)) {
    const data = raw.data
    const next = withPath(data, baseDir) as Record<string, unknown>
    if (isLocal(data.dir)) next.dir = resolve(baseDir, data.dir)
    for (const key of ['trainFiles', 'testFiles'] as const) {
      const pair = data[key]
      if (isRecord(pair)) next[key] = Object.fromEntries(Object.entries(pair).map(([k, v]) => [k, isLocal(v) ? resolve(baseDir, v) : v]))
    }
    resolved.data = next
  }
  if (typeof raw.out === 'string' && raw.out !== '') resolved.out = resolve(baseDir, raw.out)
  return resolved
}

/** Command-line flags win over the file; --out is relative to the working directory. */
export function applyOverrides(raw: Record<string, unknown>, overrides: ConfigOverrides): Record<string, unknown> {
  const merged = { ...raw }
  if (overrides.backend !== undefined) merged.backend = overrides.backend
  if (overrides.threads !== undefined) merged.threads = overrides.threads
  if (overrides.out !== undefined) merged.out = resolve(overrides.out)
  if (overrides.seed !== undefined) merged.seed = overrides.seed
  if (overrides.reporters?.length) merged.reporters = overrides.reporters
  return merged
}
