import cliProgress from 'cli-progress'

/** Where the sweep writes its progress; tests pass their own. */
export interface ProgressSink {
  write(text: string): unknown
  isTTY?: boolean
}

export interface TrialProgress {
  /** A trial finished (or was found finished); `line` describes it. */
  done(line: string): void
  stop(): void
}

/** A bar of trials on a terminal; one line per finished trial elsewhere (logs, CI). */
export function trialProgress(total: number, sink: ProgressSink | undefined): TrialProgress {
  if (!sink) return { done() {}, stop() {} }
  let finished = 0
  if (!sink.isTTY) {
    return {
      done(line) {
        sink.write(`[${++finished}/${total}] ${line}\n`)
      },
      stop() {},
    }
  }
  const bar = new cliProgress.SingleBar({ format: 'trials {bar} {value}/{total} | {last}', stream: sink as NodeJS.WritableStream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic)
  bar.start(total, 0, { last: '' })
  return {
    done(line) {
      bar.increment(1, { last: line })
    },
    stop: () => bar.stop(),
  }
}
