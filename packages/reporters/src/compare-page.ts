import { readExport, readParams, readSize } from '@prunekit/metrics'
import type { Snapshot } from '@prunekit/core'
import { lossChart } from './charts.js'
import { qualityPoints } from './chart-data.js'
import { bytes, describeRun, int, percent, readFinite, stageName } from './format.js'
import { figure, htmlDocument, table } from './html-page.js'
import type { JsonReport } from './json.js'
import { startedText } from './run-meta-text.js'
import { lineChart } from './svg/line.js'
import { percentFormat } from './svg/axis.js'
import { paletteColor } from './svg/palette.js'
import { niceDomain } from './svg/scale.js'
import { escapeXml as esc } from './svg/escape.js'
import { isControlLabel } from './training.js'

/** One run to compare: its name (the out directory, as given) and its report.json. */
export interface ComparedRun {
  name: string
  report: JsonReport
}

/** Where a run ended: its last snapshot of the model (not an export read back, not a lottery ticket's control). */
export function finalStage(snapshots: readonly Snapshot[]): Snapshot | undefined {
  return snapshots.findLast((s) => readExport(s) === undefined && !isControlLabel(s.label))
}

/** Every leaf of a config as "path.to.key" -> its value as YAML-ish text; lists of steps keep their index. */
export function flattenConfig(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) flattenConfig(inner, prefix ? `${prefix}.${key}` : key, into)
  } else into.set(prefix, JSON.stringify(value) ?? 'undefined')
  return into
}

/** The keys whose values differ between runs (a key missing from a run counts as different), in first-seen order. */
export function configDiff(configs: readonly unknown[]): { keys: string[]; rows: string[][]; same: number } {
  const flat = configs.map((c) => flattenConfig(c))
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))]
  const differing = keys.filter((k) => new Set(flat.map((f) => f.get(k) ?? '—')).size > 1)
  return { keys: differing, rows: differing.map((k) => [k, ...flat.map((f) => f.get(k) ?? '—')]), same: keys.length - differing.length }
}

function finalMetrics(runs: readonly ComparedRun[]): string {
  const rows = runs.map(({ name, report }) => {
    const last = finalStage(report.snapshots)
    const cell = (metric: string, format: (v: number) => string) => {
      const value = last && readFinite(last, metric)
      return value === undefined ? '—' : format(value)
    }
    const params = last && readParams(last)
    const size = last && readSize(last)
    const file = size?.files ? bytes(size.files['sparse-uint8']) : '—'
    return [name, last ? stageName(last.label) : '—', cell('accuracy', (v) => v.toFixed(4)), cell('loss', (v) => v.toFixed(4)), cell('sparsity', (v) => percent(v)), params ? int(params.nonzero) : '—', file, `${report.seconds.toFixed(1)} s`]
  })
  return table({ header: ['run', 'final stage', 'test accuracy', 'test loss', 'sparsity', 'nonzero params', 'sparse uint8 file', 'time'], numeric: [false, false, true, true, true, true, true, true], rows })
}

function runsTable(runs: readonly ComparedRun[]): string {
  return table({
    header: ['run', 'what', 'started', 'host', 'versions'],
    numeric: [false, false, false, false, false],
    rows: runs.map(({ name, report }) => {
      const meta = report.meta
      return [name, report.run ? describeRun(report.run) : '—', meta ? startedText(meta) : '—', meta?.host ?? '—', meta ? `prunekit ${meta.prunekit}, tfjs ${meta.tfjs}` : '—']
    }),
  })
}

/** One chart per fit that several runs share by label (train, finetune, round-1 ...), a line per run; controls dashed. */
function trainingCharts(runs: readonly ComparedRun[]): string[] {
  const labels = [...new Set(runs.flatMap(({ report }) => (report.training ?? []).map((c) => c.label)))]
  return labels.map((label) => {
    const series = runs.flatMap(({ name, report }, r) => {
      const curve = (report.training ?? []).find((c) => c.label === label)
      return curve ? [{ name, color: paletteColor(r), dashed: curve.control, marker: 3.5, points: curve.epochs.map((e) => ({ x: e.epoch, y: e.loss })) }] : []
    })
    const control = isControlLabel(label) ? ' (control)' : ''
    return figure(lossChart(`Training loss: ${label}${control}`, series))
  })
}

function qualityChart(runs: readonly ComparedRun[]): string {
  const perRun = runs.map(({ name, report }, r) => ({ name, color: paletteColor(r), ...qualityPoints(report.snapshots.filter((s) => readExport(s) === undefined && !isControlLabel(s.label))) }))
  const metric = perRun.some((p) => p.metric === 'accuracy' && p.points.length) ? 'accuracy' : 'loss'
  const series = perRun.filter((p) => p.metric === metric && p.points.length).map((p) => ({ name: p.name, color: p.color, points: p.points.map((q) => ({ x: q.sparsity, y: q.value })) }))
  if (!series.length) return ''
  const values = series.flatMap((s) => s.points.map((p) => p.y))
  const span = Math.max(Math.max(...values) - Math.min(...values), 0.02)
  let [y0, y1] = niceDomain(Math.min(...values) - span * 0.2, Math.max(...values) + span * 0.2, 5)
  if (metric === 'accuracy') [y0, y1] = [Math.max(0, y0), Math.min(1, y1)]
  const title = `Test ${metric} against sparsity, stage by stage (controls left out)`
  return figure(lineChart({ title, x: { label: 'model sparsity', domain: [0, 1], format: percentFormat }, y: { label: `test ${metric}`, domain: [y0, y1] }, series }))
}

/** Runs side by side on one self-contained page (inline CSS and SVG, no script): metrics, config diff, curves. */
export function renderComparePage(runs: readonly ComparedRun[], options: { title?: string } = {}): string {
  const title = options.title ?? `prunekit: ${runs.length} runs compared`
  const diff = configDiff(runs.map((r) => r.report.run?.config ?? {}))
  const section = (id: string, heading: string, ...content: string[]) => `<section id="${id}">\n<h2>${esc(heading)}</h2>\n${content.filter(Boolean).join('\n')}\n</section>`
  const curves = trainingCharts(runs)
  const quality = qualityChart(runs)
  const body = [
    `<header><h1>${esc(title)}</h1><p class="muted">${esc(runs.map((r) => r.name).join(' · '))}</p></header>`,
    section('metrics', 'Final metrics', '<p>Each run at its last stage (an export read back and a lottery ticket\'s control are left out).</p>', finalMetrics(runs)),
    section(
      'config',
      'Config differences',
      diff.keys.length ? table({ header: ['key', ...runs.map((r) => r.name)], numeric: [false, ...runs.map(() => false)], rows: diff.rows }) : '<p>The configs are the same.</p>',
      `<p class="muted">${diff.same} other key(s) have the same value in every run.</p>`,
    ),
    quality ? section('quality', 'Accuracy and sparsity', `<div class="charts stacked">${quality}</div>`) : '',
    curves.length ? section('training', 'Training curves', '<p>One chart per fit the runs share by name; a line per run, in the run\'s colour. Controls are dashed.</p>', `<div class="charts">${curves.join('\n')}</div>`) : '',
    section('runs', 'Runs', runsTable(runs)),
    '<footer>Made by <code>prunekit compare</code> from each run\'s report.json.</footer>',
  ]
  return htmlDocument(title, body)
}
