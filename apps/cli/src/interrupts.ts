import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { haltAtomicWrites } from '@prunekit/core/node'

const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const
export type StopSignal = keyof typeof exitCodes

/** The exit code of a run stopped by `signal` (128 + its number, as shells report it). */
export const exitCodeOf = (signal: StopSignal): number => exitCodes[signal]

const showCursor = (): void => {
  if (process.stdout.isTTY) process.stdout.write('\x1b[?25h')
}

/** Removes this process's temp files (`name.<pid>.<random>.tmp`) under `dir`, so a hard exit leaves no half-written file. */
function removeOwnTempFiles(dir: string): void {
  let names: string[]
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  } catch {
    return
  }
  const own = new RegExp(`\\.${process.pid}\\.[a-z0-9]*\\.tmp$`)
  for (const name of names) if (own.test(name)) rmSync(join(dir, name), { recursive: true, force: true })
}

export interface SignalStop {
  /** Aborted, with the signal's name as reason, at the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal
  /** The signal that stopped the run, if one did. */
  received(): StopSignal | undefined
  /** Restores the default handlers. */
  dispose(): void
}

/**
 * The first SIGINT or SIGTERM asks the run to stop at its next safe point (it then writes the reports
 * of the finished steps); a second one exits at once, showing the cursor again and removing temp files
 * under `out`.
 */
export function stopOnSignals(out: string, warn: (line: string) => void): SignalStop {
  const controller = new AbortController()
  let first: StopSignal | undefined
  const handler = (signal: StopSignal): void => {
    if (!first) {
      first = signal
      warn(`\n${signal}: stopping after the current batch and writing the reports of the finished steps (${signal === 'SIGINT' ? 'Ctrl+C' : 'send it'} again to quit at once).`)
      controller.abort(signal)
      return
    }
    showCursor()
    // Writes under way get a moment to settle, so none creates its temp file after the clean-up.
    void haltAtomicWrites(250).then(() => {
      removeOwnTempFiles(out)
      process.exit(exitCodeOf(signal))
    })
  }
  const signals = Object.keys(exitCodes) as StopSignal[]
  for (const signal of signals) process.on(signal, handler)
  return {
    signal: controller.signal,
    received: () => first,
    dispose: () => {
      for (const signal of signals) process.off(signal, handler)
      if (first) showCursor()
    },
  }
}
