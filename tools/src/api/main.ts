import { relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { discoverApiEntries, extractApis } from './extract.js'

// `npm run api` writes every package's API report; `--check` only compares them (exit 1 on a difference).
const root = fileURLToPath(new URL('../../../', import.meta.url))
const check = process.argv.includes('--check')
const results = extractApis(discoverApiEntries(root), { update: !check })
for (const { entry, status, messages } of results) {
  process.stdout.write(`${status.padEnd(8)} ${relative(root, entry.report)}\n`)
  for (const message of messages) process.stdout.write(`  ${message}\n`)
}
if (results.some((r) => r.status === 'failed' || (check && r.status !== 'same'))) process.exitCode = 1
