import { defineReporter, type ProgressEvent, type Reporter, type Snapshot } from '@prunekit/core'
import { readLayers, readPattern } from '@prunekit/metrics'
import cliProgress from 'cli-progress'
import { z } from 'zod'
import { describeRun, int, interruptedLine, percent, summaryLines, textBar, textTable } from './format.js'

export const consoleOptions = z
  .object({
    progress: z.boolean().default(true).describe('Show a progress bar (or one line per epoch when not a terminal) while training'),
    table: z.boolean().default(true).describe('Print the per-layer table of the last snapshot at the end'),
  })
  .strict()

export type ConsoleOptions = z.output<typeof consoleOptions>

/** Where the console reporter writes; tests pass their own sink. */
export interface TextSink {
  write(text: string): unknown
  isTTY?: boolean
}

const barWidth = 20

export function layerTable(snapshot: Snapshot): string[] {
  const layers = readLayers(snapshot)
  if (!layers?.length) return []
  // With the pattern metric measured, a column of each layer's N:M compliance ('—' where it does not apply).
  const pattern = readPattern(snapshot)
  const compliance = (name: string): string[] => {
    if (!pattern) return []
    const layer = pattern.layers.find((p) => p.name === name)
    return [layer ? percent(layer.compliance) : '—']
  }
  // The last column draws each layer's sparsity as a bar; the dashes above it span 100%.
  return textTable(
    ['layer', 'shape', 'params', 'nonzero', 'sparsity', ...(pattern ? [pattern.pattern] : []), ' '.repeat(barWidth)],
    // A layer that structured pruning cut shows its kernel entries now "of" those it was built with.
    layers.map((l) => [l.name, `[${l.shape.join(', ')}]`, l.builtParams ? `${int(l.params)} of ${int(l.builtParams)}` : int(l.params), int(l.nonzero), percent(l.sparsity), ...compliance(l.name), textBar(l.sparsity, barWidth)]),
    [false, false, true, true, true, ...(pattern ? [true] : []), false],
  )
}

/** A terminal that takes cursor control: a TTY, not `TERM=dumb`. `NO_COLOR` needs nothing more: no output is coloured. */
export function isInteractive(sink: TextSink, env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(sink.isTTY) && env.TERM !== 'dumb'
}

export function createConsoleReporter(options: ConsoleOptions, quiet: boolean, sink: TextSink = process.stdout, env: Record<string, string | undefined> = process.env): Reporter {
  const snapshots: Snapshot[] = []
  const print = (line = '') => sink.write(`${line}\n`)
  const verbose = !quiet
  const interactive = isInteractive(sink, env)
  let bar: cliProgress.SingleBar | undefined

  const stopBar = () => {
    bar?.stop()
    bar = undefined
  }

  const onProgress = (p: ProgressEvent) => {
    if (!verbose || !options.progress) return
    const epochLine = () => p.loss !== undefined && print(`  epoch ${p.epoch}/${p.epochs}  loss ${p.loss.toFixed(4)}`)
    if (interactive) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: '  epoch {epoch}/{epochs} {bar} {percentage}% | batch {value}/{total} | loss {loss}', hideCursor: true, clearOnComplete: true, stream: sink as NodeJS.WriteStream },
          cliProgress.Presets.shades_classic,
        )
        bar.start(p.batches, 0, { epoch: p.epoch, epochs: p.epochs, loss: '-' })
      }
      bar.update(p.batch, { epoch: p.epoch, epochs: p.epochs, ...(p.loss === undefined ? {} : { loss: p.loss.toFixed(4) }) })
      // The bar clears itself on stop; the epoch's line then stays above the next epoch's bar.
      if (p.batch === p.batches) {
        stopBar()
        epochLine()
      }
    } else {
      epochLine()
    }
  }

  return {
    onRunStart(run) {
      if (!verbose) return
      print(`prunekit: ${describeRun(run)}`)
    },
    onStepStart(step) {
      if (verbose) print(`[${step.index + 1}/${step.total}] ${step.name}`)
    },
    onProgress,
    onStepEnd(step) {
      stopBar()
      if (verbose) print(`  done in ${step.seconds.toFixed(1)} s${step.summary ? `: ${step.summary}` : ''}`)
    },
    onRunEnd(result) {
      stopBar()
      print()
      const interrupted = interruptedLine(result)
      if (interrupted) print(interrupted)
      // The result's snapshots: a resumed run's include those taken before the interruption.
      const snapshots = result.snapshots
      summaryLines(snapshots).forEach((line) => print(line))
      // The last snapshot that measured layers: an export's snapshot (accuracy reloaded) measures none.
      const last = snapshots.findLast((s) => readLayers(s) !== undefined)
      if (options.table && last) {
        print()
        layerTable(last).forEach((line) => print(line))
      }
      if (verbose) {
        print()
        print(`Finished in ${result.seconds.toFixed(1)} s`)
      }
    },
  }
}

export const consoleReporter = defineReporter({
  name: 'console',
  description: 'Progress while training, the before/after summary lines and a per-layer table',
  options: consoleOptions,
  create: (options, ctx) => createConsoleReporter(options, ctx.quiet),
})
