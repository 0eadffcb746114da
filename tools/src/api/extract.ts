import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative } from 'node:path'
import { canonicalReport } from './canonical.js'
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel, ExtractorMessageCategory, type ExtractorMessage, type IConfigFile } from '@microsoft/api-extractor'

/** One typed subpath of a published package's `exports` map, and the API report that records it. */
export interface ApiEntry {
  /** The package's name, for example `@prunekit/models`. */
  packageName: string
  /** The package's folder. */
  dir: string
  /** The `exports` key, `.` or for example `./internal`. */
  subpath: string
  /** The built declaration file the subpath's `types` condition names. */
  types: string
  /** The committed report: `<dir>/api/<name>.api.md`, `<name>.<subpath>.api.md` for a subpath. */
  report: string
}

export type ApiStatus = 'same' | 'changed' | 'missing' | 'updated' | 'failed'

export interface ApiResult {
  entry: ApiEntry
  status: ApiStatus
  /** Errors and warnings API Extractor logged rather than recording them in the report. */
  messages: string[]
}

interface PackageJson {
  name: string
  private?: boolean
  exports?: Record<string, string | Record<string, string>>
}

/** Every published package under packages/ and apps/ (a package.json that is not private), every subpath with types. */
export function discoverApiEntries(root: string): ApiEntry[] {
  const entries: ApiEntry[] = []
  for (const group of ['packages', 'apps']) {
    for (const folder of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, folder)
      if (!existsSync(join(dir, 'package.json'))) continue
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson
      if (pkg.private) continue
      const base = pkg.name.replace(/^@[^/]+\//, '')
      for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
        if (typeof target !== 'object' || !target.types) continue
        const suffix = subpath === '.' ? '' : `.${subpath.replace(/^\.\//, '').replaceAll('/', '-')}`
        entries.push({ packageName: pkg.name, dir, subpath, types: join(dir, target.types), report: join(dir, 'api', `${base}${suffix}.api.md`) })
      }
    }
  }
  return entries
}

// The repo's compiler settings, on the built declarations only.
const compilerOptions = {
  target: 'ES2022',
  lib: ['ES2023', 'DOM'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  skipLibCheck: true,
  esModuleInterop: true,
  types: ['node'],
}

function configFor(entry: ApiEntry, temp: string): ExtractorConfig {
  const configObject: IConfigFile = {
    projectFolder: entry.dir,
    mainEntryPointFilePath: entry.types,
    newlineKind: 'lf',
    compiler: { overrideTsconfig: { compilerOptions, files: [entry.types] }, skipLibCheck: true },
    // Written to a temp folder, then compared and copied in canonical order (see canonicalReport).
    apiReport: {
      enabled: true,
      reportFolder: join(temp, 'reports'),
      reportTempFolder: temp,
      reportFileName: relative(join(entry.dir, 'api'), entry.report).replace(/\.api\.md$/, ''),
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      extractorMessageReporting: {
        // Every finding about the API (a forgotten export, an unresolved link) is written into the report, where review sees it.
        default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
        // prunekit marks no release stages: the `./internal` subpath is the boundary, not @beta / @internal tags.
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
        // Undocumented items are marked "(undocumented)" in the report already.
        'ae-undocumented': { logLevel: ExtractorLogLevel.None },
      },
      // The doc comments are plain prose, not TSDoc; no doc site is generated from them.
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  }
  return ExtractorConfig.prepare({
    configObject,
    configObjectFullPath: join(entry.dir, 'api-extractor.json'),
    packageJsonFullPath: join(entry.dir, 'package.json'),
  })
}

/**
 * Runs API Extractor on every entry, sharing one TypeScript program. With `update`, writes the reports;
 * without, compares them with the committed ones and changes nothing.
 */
export function extractApis(entries: ApiEntry[], { update }: { update: boolean }): ApiResult[] {
  const unbuilt = entries.filter((e) => !existsSync(e.types))
  if (unbuilt.length) throw new Error(`${unbuilt.map((e) => relative(process.cwd(), e.types)).join(', ')} missing: run \`npm run build\` first`)
  const temp = mkdtempSync(join(tmpdir(), 'prunekit-api-'))
  mkdirSync(join(temp, 'reports'))
  try {
    const configs = entries.map((entry) => configFor(entry, temp))
    let compilerState: CompilerState | undefined
    return entries.map((entry, i) => {
      const missing = !existsSync(entry.report)
      if (missing && !update) return { entry, status: 'missing', messages: [] }
      compilerState ??= CompilerState.create(configs[i], { additionalEntryPoints: entries.map((e) => e.types) })
      if (update) mkdirSync(join(entry.dir, 'api'), { recursive: true })
      const messages: string[] = []
      let errors = 0
      Extractor.invoke(configs[i], {
        localBuild: true,
        compilerState,
        messageCallback(message: ExtractorMessage) {
          message.handled = true
          if (message.logLevel === ExtractorLogLevel.Error) errors++
          // Console messages only say a report was created or differs: the status says that.
          if (message.category === ExtractorMessageCategory.Console && message.logLevel !== ExtractorLogLevel.Error) return
          if (message.logLevel === ExtractorLogLevel.Error || message.logLevel === ExtractorLogLevel.Warning) messages.push(message.formatMessageWithLocation(entry.dir))
        },
      })
      if (errors) return { entry, status: 'failed', messages }
      const built = canonicalReport(readFileSync(join(temp, 'reports', basename(entry.report)), 'utf8'))
      if (!missing && canonicalReport(readFileSync(entry.report, 'utf8')) === built) return { entry, status: 'same', messages }
      if (!update) return { entry, status: 'changed', messages }
      writeFileSync(entry.report, built)
      return { entry, status: 'updated', messages }
    })
  } finally {
    rmSync(temp, { recursive: true, force: true })
  }
}
