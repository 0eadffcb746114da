import { writeFileAtomic } from '@prunekit/core/node'
import { renderComparePage, type ComparedRun, type JsonReport } from '@prunekit/reporters'
import { readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { UsageError, type Output } from './commands.js'

/** A run's report.json: the out directory holding it, or the file itself. */
async function readReport(path: string): Promise<JsonReport> {
  const info = await stat(path).catch(() => undefined)
  if (!info) throw new UsageError(`${path} does not exist. Give a run's out directory (holding report.json) or its report.json.`)
  const file = info.isDirectory() ? join(path, 'report.json') : path
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`${file} is missing: that run wrote no report.json. Add json to its reporters (reporters: [console, json, html]) and run it again.`)
  })
  let report: JsonReport
  try {
    report = JSON.parse(text) as JsonReport
  } catch (cause) {
    throw new UsageError(`${file} is not JSON (${(cause as Error).message}). Give the report.json a prunekit run wrote.`)
  }
  if (!report || report.prunekit?.format !== 1 || !Array.isArray(report.snapshots)) {
    throw new UsageError(`${file} is not a prunekit report.json (no "prunekit": { "format": 1 } and snapshots). Give the report.json a prunekit run wrote.`)
  }
  return report
}

/** `prunekit compare`: reads each run's report.json and writes one self-contained page with them side by side. */
export async function compareCommand(paths: readonly string[], options: { out: string; title?: string }, out: Output): Promise<void> {
  if (paths.length < 2) throw new UsageError('compare needs two or more runs: prunekit compare out-a out-b [...]')
  const runs: ComparedRun[] = []
  for (const path of paths) runs.push({ name: path.replace(/\/(report\.json)?$/, ''), report: await readReport(path) })
  const file = resolve(options.out)
  await writeFileAtomic(file, renderComparePage(runs, { title: options.title }))
  out.log(`Wrote ${options.out}: ${runs.length} runs side by side (open it in a browser; it needs no server).`)
}
