import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { criteriaSuite } from './criteria.js'
import { endToEndSuite } from './end-to-end.js'
import { masksSuite } from './masks.js'
import type { Row, Suite } from './measure.js'
import { peerConvSuite } from './peer-conv.js'
import { peerSuite } from './peer.js'
import { recoverySuite } from './recovery.js'
import { selectionSuite } from './selection.js'
import { sizeSuite } from './size.js'
import { structuredSuite } from './structured.js'
import { sweepSuite } from './sweep.js'
import { trainingSuite } from './training.js'

/** Every suite `npm run bench` runs, in order. Add a suite here. */
export const suites: Suite[] = [trainingSuite, selectionSuite, masksSuite, endToEndSuite, peerSuite, peerConvSuite, structuredSuite, sizeSuite, sweepSuite, recoverySuite, criteriaSuite]

function markdown(results: Array<{ suite: Suite; rows: Row[]; seconds: number }>): string {
  const lines = ['# prunekit benchmarks', '', `Measured ${new Date().toISOString()} on Node ${process.version}; every ratio is side by side in this run.`, '']
  for (const { suite, rows, seconds } of results) {
    lines.push(`## ${suite.name}`, '', `${suite.description} (${seconds.toFixed(0)} s)`, '')
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
    lines.push(`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`)
    for (const row of rows) lines.push(`| ${columns.map((c) => String(row[c] ?? '')).join(' | ')} |`)
    lines.push('')
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const chosen = only.length ? suites.filter((s) => only.includes(s.name)) : suites
  const results: Array<{ suite: Suite; rows: Row[]; seconds: number }> = []
  for (const [i, suite] of chosen.entries()) {
    process.stdout.write(`[${i + 1}/${chosen.length}] ${suite.name}: ${suite.description}\n`)
    const began = performance.now()
    const rows = await suite.run((line) => process.stdout.write(`  ${line}\n`))
    results.push({ suite, rows, seconds: (performance.now() - began) / 1000 })
  }
  const dir = fileURLToPath(new URL('../../../bench/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const json = Object.fromEntries(results.map((r) => [r.suite.name, { description: r.suite.description, seconds: r.seconds, rows: r.rows }]))
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), suites: json }, null, 2)}\n`)
  writeFileSync(join(dir, 'results.md'), markdown(results))
  process.stdout.write(`Wrote bench/results.json and bench/results.md\n`)
}

await main()
