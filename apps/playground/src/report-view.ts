import type { ProgressEvent, RunInfo, RunResult, Snapshot, StepEndInfo } from '@prunekit/core'
import { renderHtmlReport, reportPlots, type ReportInput } from '@prunekit/reporters'
import { trainingRecorder } from '@prunekit/reporters/internal'

/** The run's report.html, the very page the html reporter writes, drawn in `frame` and redrawn as snapshots arrive. */
export function reportView(frame: HTMLIFrameElement): {
  onRunStart(run: RunInfo): void
  onProgress(p: ProgressEvent): void
  onSnapshot(s: Snapshot): void
  onStepEnd(s: StepEndInfo): void
  onEnd(seconds: number, interrupted?: RunResult['interrupted']): void
} {
  let run: RunInfo | undefined
  const snapshots: Snapshot[] = []
  const steps: StepEndInfo[] = []
  const training = trainingRecorder()
  const started = performance.now()
  let scheduled = 0

  function draw(seconds = (performance.now() - started) / 1000, interrupted?: RunResult['interrupted']): void {
    const input: ReportInput = { run, snapshots, steps, seconds, interrupted, training: training.curves() }
    const html = renderHtmlReport(input, reportPlots(snapshots, input.training), { title: 'Run report' })
    const doc = frame.contentDocument
    // The first draw loads the page; later ones swap its body, so the frame neither flickers nor scrolls.
    if (!doc || !doc.body?.childElementCount) {
      frame.srcdoc = html
      frame.onload = () => fit()
      return
    }
    doc.body.innerHTML = new DOMParser().parseFromString(html, 'text/html').body.innerHTML
    fit()
  }
  const fit = () => {
    const doc = frame.contentDocument
    if (doc?.documentElement) frame.style.height = `${doc.documentElement.scrollHeight}px`
  }
  const later = () => {
    cancelAnimationFrame(scheduled)
    scheduled = requestAnimationFrame(() => draw())
  }
  return {
    onRunStart(info) {
      // A CSV travels inside the config: the report shows its size, not its 2 MB of text.
      const { data } = info.config
      const text = typeof data.text === 'string' ? { text: `(the CSV, ${data.text.length.toLocaleString('en-US')} characters)` } : {}
      run = { ...info, config: { ...info.config, data: { ...data, ...text } } }
      later()
    },
    onProgress: (p) => training.onProgress(p),
    onSnapshot(s) {
      training.onSnapshot(s)
      snapshots.push(s)
      later()
    },
    onStepEnd(s) {
      steps.push(s)
      later()
    },
    onEnd(seconds, interrupted) {
      cancelAnimationFrame(scheduled)
      draw(seconds, interrupted)
    },
  }
}
