import { readExport, readParams, readSize } from '@prunekit/metrics'
import type { ReportPlots } from './charts.js'
import { bytes, describeRun, int, interruptedLine, percent, readFinite, stageName } from './format.js'
import { configYaml } from './config-yaml.js'
import type { ReportInput } from './report-input.js'
import { describeMeta } from './run-meta-text.js'
import { isControlLabel } from './training.js'
import { escapeXml as esc } from './svg/escape.js'
import { exportTable } from './exports.js'
import { allocationTable, modelStages } from './sensitivity.js'
import { layerSparsityTable, patternTable, summaryTable, type Table } from './tables.js'

/** The stylesheet of prunekit's HTML pages (the report, the run comparison, the sweep page). */
/** A whole prunekit page: the shared stylesheet (plus `extraStyle`), the escaped title, and the body's non-empty parts in <main>. */
export function htmlDocument(title: string, body: readonly string[], extraStyle = ''): string {
  const style = extraStyle ? `${pageStyle}\n${extraStyle}` : pageStyle
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body.filter(Boolean),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

export const pageStyle = `
:root { color-scheme: light; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --accent: #1f77b4; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
p { margin: 6px 0; }
.muted, figcaption, footer { color: var(--muted); }
.interrupted { border-left: 4px solid #d97706; background: #fffbeb; padding: 8px 12px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0 0; padding: 0; list-style: none; }
.cards li { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; }
.cards b { display: block; font-size: 19px; }
.cards span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; background: #fff; border: 1px solid var(--line); font-variant-numeric: tabular-nums; }
th, td { padding: 6px 12px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: #f3f4f6; font-weight: 600; }
td.n, th.n { text-align: right; }
.scroll { overflow-x: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 480px), 1fr)); gap: 16px; }
.charts.stacked { grid-template-columns: 1fr; max-width: 900px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 13px; padding: 4px 6px 2px; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; overflow-x: auto; font-size: 13px; }
footer { margin-top: 40px; font-size: 13px; }
`

/** A table as HTML, numeric columns right-aligned, in a horizontally scrolling box. */
export function table(t: Table): string {
  const cell = (tag: 'th' | 'td', text: string, c: number) => `<${tag}${t.numeric[c] ? ' class="n"' : ''}>${esc(text)}</${tag}>`
  return [
    '<div class="scroll"><table>',
    `<thead><tr>${t.header.map((h, c) => cell('th', h, c)).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((row) => `<tr>${row.map((v, c) => cell('td', v, c)).join('')}</tr>`).join('\n')}</tbody>`,
    '</table></div>',
  ].join('\n')
}

export const figure = (svg: string, caption?: string) => `<figure>${svg}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ''}</figure>`

/** The headline numbers: first snapshot against last. */
function cards(input: ReportInput): string {
  // Stages of the model: an export's snapshot measures the files read back, not the run's model;
  // a lottery ticket's control is a comparison, not where the run ended.
  const stages = modelStages(input.snapshots).filter((s) => readExport(s) === undefined && !isControlLabel(s.label))
  const first = stages[0]
  const last = stages.at(-1)
  if (!first || !last) return ''
  const items: Array<[string, string]> = []
  const sparsity = readFinite(last, 'sparsity')
  if (sparsity !== undefined) items.push([percent(sparsity), `sparsity (${stageName(last.label).toLowerCase()})`])
  for (const metric of ['accuracy', 'loss'] as const) {
    const [a, b] = [readFinite(first, metric), readFinite(last, metric)]
    if (a !== undefined && b !== undefined) items.push([`${a.toFixed(4)} → ${b.toFixed(4)}`, `test ${metric}, ${first.label} → ${last.label}`])
  }
  const [p0, p1] = [readParams(first), readParams(last)]
  if (p0 && p1) items.push([`${int(p0.nonzero)} → ${int(p1.nonzero)}`, 'nonzero parameters'])
  const size = readSize(last)
  if (size?.files) items.push([`${bytes(size.files.float32)} → ${bytes(size.files['sparse-uint8'])}`, 'model file: float32 → sparse uint8'])
  else if (size) items.push([`${bytes(size.denseBytes)} → ${bytes(size.nonzeroBytes)}`, 'dense → sparse size'])
  return `<ul class="cards">${items.map(([value, what]) => `<li><b>${esc(value)}</b><span>${esc(what)}</span></li>`).join('')}</ul>`
}

function steps(input: ReportInput): string {
  return table({
    header: ['#', 'step', 'time', 'what it did'],
    numeric: [true, false, true, false],
    rows: input.steps.map((s) => [String(s.index + 1), s.name, `${s.seconds.toFixed(1)} s`, s.summary ?? '']),
  })
}

export interface HtmlPageOptions {
  title: string
}

/** The whole report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched. */
export function renderHtmlReport(input: ReportInput, plots: ReportPlots, options: HtmlPageOptions): string {
  const { run } = input
  const layers = layerSparsityTable(input.snapshots)
  const patterns = patternTable(input.snapshots)
  const exported = exportTable(input.snapshots)
  const overview = [plots.accuracy, plots.sparsity].filter((p) => p !== undefined)
  const allocation = allocationTable(input.snapshots)
  const section = (id: string, heading: string, ...content: string[]) => `<section id="${id}">\n<h2>${esc(heading)}</h2>\n${content.filter(Boolean).join('\n')}\n</section>`
  const body = [
    '<header>',
    `<h1>${esc(options.title)}</h1>`,
    run ? `<p class="muted">${esc(describeRun(run))}; ${esc(input.seconds.toFixed(1))} s in all.</p>` : '',
    input.interrupted ? `<p class="interrupted" role="alert">${esc(interruptedLine(input)!)}</p>` : '',
    input.meta ? `<p class="muted meta">${esc(describeMeta(input.meta))}</p>` : '',
    cards(input),
    '</header>',
    section('summary', 'Summary', input.snapshots.length ? table(summaryTable(input.snapshots)) : '<p>No snapshots: add an <code>evaluate</code> step to the pipeline.</p>'),
    overview.length ? section('charts', 'Accuracy and sparsity', `<div class="charts">${overview.map((p) => figure(p.svg)).join('\n')}</div>`) : '',
    plots.training ? section('training', 'Training curves', '<p>The mean training loss of each epoch, one line per fit. A lottery ticket\'s control (the same mask from a fresh initialisation) is dashed, in its ticket\'s colour.</p>', `<div class="charts stacked">${figure(plots.training.svg)}</div>`) : '',
    layers.rows.length ? section('layers', 'Per-layer sparsity', table(layers)) : '',
    patterns.rows.length ? section('pattern', `Pattern compliance (${patterns.pattern}: groups keeping at most N of M)`, table(patterns)) : '',
    exported.rows.length
      ? section(
          'exports',
          'Exported files',
          '<p>Each export read back from its files and evaluated on the test split. Bytes are model.json plus its weights file, each compressed on its own as a server sends them; the worst layer error is the largest |reloaded − exported| of any weight.</p>',
          plots.exports ? `<div class="charts">${figure(plots.exports.svg)}</div>` : '',
          table(exported),
        )
      : '',
    plots.sensitivity || allocation
      ? section(
          'sensitivity',
          'Sensitivity',
          '<p>Each layer pruned alone at every level, the rest of the model as it was; the allocation below chose per-layer sparsities from these curves.</p>',
          plots.sensitivity ? `<div class="charts">${figure(plots.sensitivity.svg)}</div>` : '',
          allocation ? `<p>${esc(allocation.note)}</p>\n${table(allocation.table)}` : '',
        )
      : '',
    plots.histograms.length
      ? section(
          'histograms',
          'Weight histograms',
          '<p>Each layer\'s weights at every stage, in distinct colours, on bin edges fixed at the first stage and shared by every later one. Counts are on a log scale, so the spike of pruned weights at zero does not flatten the rest.</p>',
          `<div class="charts stacked">${plots.histograms.map((p) => figure(p.svg)).join('\n')}</div>`,
        )
      : '',
    input.steps.length ? section('steps', 'Pipeline', steps(input)) : '',
    run ? section('config', 'Config', `<pre><code>${esc(configYaml(run.config))}</code></pre>`) : '',
    '<footer>Made by prunekit. The charts are SVG: they print sharply, and the png reporter writes them as PNG files.</footer>',
  ]
  return htmlDocument(`${options.title}${run ? `: ${run.model.name} on ${run.data.name}` : ''}`, body)
}
