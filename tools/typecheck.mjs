#!/usr/bin/env node
// vitest's typecheck runs `tsc --incremental --tsBuildInfoFile <one file inside node_modules/vitest>` for
// every project, at the same time. Projects see different declaration merging (a plugin's option types
// exist only where it is imported), so each keeps its own incremental state, beside its tsconfig.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

const args = process.argv.slice(2)
const project = args.indexOf('-p')
const buildInfo = args.indexOf('--tsBuildInfoFile')
if (project >= 0 && buildInfo >= 0) args[buildInfo + 1] = join(dirname(resolve(args[project + 1])), '.typecheck.tsbuildinfo')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const { status } = spawnSync(process.execPath, [tsc, ...args], { stdio: 'inherit' })
process.exit(status ?? 1)
