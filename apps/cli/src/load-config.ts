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

/** Paths inside a config (model.path, out) are relative to the config file, as plugin paths are. */
export function resolveConfigPaths(raw: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const resolved = { ...raw }
  const model = raw.model as Record<string, unknown> | undefined
  if (model && typeof model.path === 'string' && !/^https?:\/\//i.test(model.path)) resolved.model = { ...model, path: resolve(baseDir, model.path) }
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
