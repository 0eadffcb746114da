import { bytes, escapeXml as esc, htmlDocument, lineChart, niceDomain, paletteColor } from '@prunekit/reporters/internal'
import type { Cost } from './pareto.js'
import type { SweepReport, SweepTrial } from './sweep-result.js'

/** A chart of the sweep: its SVG and the base name of its PNG file. */
export interface SweepPlot {
  name: string
  title: string
  svg: string
}

const costAxis: Record<Cost, { label: string; format: (v: number) => string }> = {
  bytes: { label: 'model size, sparse (bytes)', format: (v) => bytes(Math.round(v)) },
  macs: { label: 'multiply-accumulates per sample (nonzero)', format: (v) => (v >= 1e6 ? `${+(v / 1e6).toPrecision(3)}M` : v >= 1e3 ? `${+(v / 1e3).toPrecision(3)}k` : String(Math.round(v))) },
  latencyMs: { label: 'inference latency (ms, median)', format: (v) => `${+v.toPrecision(3)} ms` },
}

const qualityOf = (report: SweepReport, t: SweepTrial): number | undefined => (report.quality === 'loss' ? t.metrics.loss : t.metrics.accuracy)

function paretoPlot(report: SweepReport, cost: Cost): SweepPlot | undefined {
  const front = new Set(report.fronts[cost] ?? [])
  const trials = report.trials.filter((t) => t.metrics[cost] !== undefined && qualityOf(report, t) !== undefined)
  if (!trials.length || !report.quality) return undefined
  const [xs, ys] = [trials.map((t) => t.metrics[cost]!), trials.map((t) => qualityOf(report, t)!)]
  const pad = (lo: number, hi: number, min: number) => Math.max(hi - lo, min) * 0.15
  const [x0, x1] = niceDomain(Math.min(...xs) - pad(Math.min(...xs), Math.max(...xs), Math.max(...xs) * 0.1), Math.max(...xs) + pad(Math.min(...xs), Math.max(...xs), Math.max(...xs) * 0.1), 6)
  const [y0, y1] = niceDomain(Math.min(...ys) - pad(Math.min(...ys), Math.max(...ys), 0.02), Math.max(...ys) + pad(Math.min(...ys), Math.max(...ys), 0.02), 5)
  const point = (t: SweepTrial) => ({ x: t.metrics[cost]!, y: qualityOf(report, t)!, label: t.id })
  const quality = report.quality === 'loss' ? 'test loss' : 'test accuracy'
  const title = `${report.quality === 'loss' ? 'Loss' : 'Accuracy'} against ${costAxis[cost].label.split(' (')[0]}: the Pareto front`
  const svg = lineChart({
    title,
    x: { label: costAxis[cost].label, domain: [Math.max(0, x0), x1], format: costAxis[cost].format },
    y: { label: quality, domain: report.quality === 'accuracy' ? [Math.max(0, y0), Math.min(1, y1)] : [Math.max(0, y0), y1] },
    series: [
      { name: 'other trials', color: '#9ca3af', joined: false, points: trials.filter((t) => !front.has(t.id)).map(point) },
      { name: 'Pareto front', color: paletteColor(3), points: trials.filter((t) => front.has(t.id)).sort((a, b) => a.metrics[cost]! - b.metrics[cost]!).map(point) },
    ],
  })
  return { name: `pareto-${cost === 'latencyMs' ? 'latency' : cost}`, title, svg }
}

/** The Pareto charts: quality against size, MACs and latency, for the costs the trials measured. */
export function sweepPlots(report: SweepReport): SweepPlot[] {
  return (['bytes', 'macs', 'latencyMs'] as const).map((cost) => paretoPlot(report, cost)).filter((p) => p !== undefined)
}

const fmt = (value: number | undefined, f: (v: number) => string) => (value === undefined ? '' : f(value))

function trialTable(report: SweepReport): string {
  const keys = Object.keys(report.sweep.values)
  const header = ['trial', ...keys, 'accuracy', 'loss', 'sparsity', 'size', 'MACs', 'latency', 'time', 'Pareto front']
  const numeric = new Set([...keys.map((_, i) => i + 1), ...Array.from({ length: 7 }, (_, i) => keys.length + 1 + i)])
  const th = header.map((h, c) => `<th${numeric.has(c) ? ' class="n"' : ''}>${esc(h)}</th>`).join('')
  const rows = report.trials.map((t) => {
    const m = t.metrics
    const cells = [
      t.report ? `<a href="${esc(t.report)}">${esc(t.id)}</a>` : esc(t.id),
      ...keys.map((k) => esc(typeof t.values[k] === 'number' ? String(+(t.values[k] as number).toPrecision(4)) : JSON.stringify(t.values[k]))),
      fmt(m.accuracy, (v) => v.toFixed(4)),
      fmt(m.loss, (v) => v.toFixed(4)),
      fmt(m.sparsity, (v) => `${(v * 100).toFixed(2)}%`),
      fmt(m.bytes, (v) => costAxis.bytes.format(v)),
      fmt(m.macs, (v) => costAxis.macs.format(v)),
      fmt(m.latencyMs, (v) => costAxis.latencyMs.format(v)),
      `${t.seconds.toFixed(1)} s${t.reused ? ' (earlier run)' : ''}`,
      esc(t.front.map((c) => (c === 'latencyMs' ? 'latency' : c === 'bytes' ? 'size' : 'MACs')).join(', ')),
    ]
    return `<tr${t.front.length ? ' class="front"' : ''}>${cells.map((c, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`
  })
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead>\n<tbody>${rows.join('\n')}</tbody></table></div>`
}

function prefixNote(report: SweepReport): string {
  const { groups, secondsSaved } = report.prefixes
  if (!groups.length) return ''
  const branched = groups.reduce((n, g) => n + g.followers.length, 0)
  const steps = [...new Set(groups.map((g) => g.steps))].join(' or ')
  return `<p class="muted">Shared prefixes: ${branched} trial${branched === 1 ? '' : 's'} went on from the state of another after their first ${steps} step${steps === '1' ? '' : 's'} (${groups.map((g) => `${esc(g.leader)} → ${g.followers.map(esc).join(', ')}`).join('; ')}), saving about ${secondsSaved.toFixed(1)} s.</p>`
}

/** The sweep page: one self-contained HTML file with the Pareto charts and every trial, each linking to its own report. */
export function renderSweepPage(report: SweepReport, plots: readonly SweepPlot[]): string {
  const n = report.trials.length
  const title = `Sweep: ${n} trial${n === 1 ? '' : 's'}`
  const varied = Object.keys(report.sweep.values).join(', ')
  const body = [
    `<header><h1>${esc(title)}</h1><p class="muted">Varied ${esc(varied)}${report.sweep.random ? ` (${report.sweep.random.count} random draws, seed ${report.sweep.random.seed})` : ' (the whole grid)'}; run ${esc(report.executor)}; ${report.seconds.toFixed(1)} s in all.</p>${prefixNote(report)}</header>`,
    plots.length
      ? `<section id="pareto"><h2>Pareto front</h2><p>A trial is on the front when no other trial is both at most as costly and at least as good. Front trials are joined in red; the others are grey.</p><div class="charts">${plots.map((p) => `<figure>${p.svg}</figure>`).join('\n')}</div></section>`
      : '',
    `<section id="trials"><h2>Trials</h2><p>Each trial is a full pipeline run; its name links to its own report.</p>${trialTable(report)}</section>`,
    '<footer>Made by prunekit sweep. sweep.json and sweep.csv hold the same numbers.</footer>',
  ]
  return htmlDocument(title, body, 'tr.front td { background: #fef2f2; }')
}
