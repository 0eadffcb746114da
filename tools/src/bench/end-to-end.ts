import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { medianSeconds, round, type Suite } from './measure.js'

const run = promisify(execFile)
const cli = fileURLToPath(new URL('../../../apps/cli/bin/prunekit.js', import.meta.url))

export const endToEndSuite: Suite = {
  name: 'end-to-end',
  description: 'Wall time of the quickstart (`npm start` after the build: train, prune, fine-tune, evaluate, reports)',
  async run(log) {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-bench-'))
    let accuracy = NaN
    const seconds = await medianSeconds(async () => {
      const { stdout } = await run(process.execPath, [cli, 'run', '--quiet', '--out', out])
      accuracy = Number(/After fine-tuning - Loss: [\d.]+, Accuracy: ([\d.]+)/.exec(stdout)?.[1])
    }, 3, 0)
    rmSync(out, { recursive: true, force: true })
    log(`quickstart: ${seconds.toFixed(1)} s (fine-tuned accuracy ${accuracy})`)
    return [{ command: 'prunekit run (quickstart)', seconds: round(seconds, 2), finetunedAccuracy: accuracy }]
  },
}
