import { describeRun, interruptedLine } from './format.js'
import { configYaml } from './config-yaml.js'
import type { ReportInput } from './report-input.js'
import { exportTable } from './exports.js'
import { allocationTable } from './sensitivity.js'
import { layerSparsityTable, patternTable, summaryTable, type Table } from './tables.js'

/** Escapes text so that Markdown shows it as written (no emphasis, links, HTML or table breaks). */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]<>|~])/g, '\\$1')
}

export function markdownTable(t: Table): string[] {
  const row = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`
  return [row(t.header), `| ${t.numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`, ...t.rows.map(row)]
}

/** A picture the report links to: its alt text and its path relative to the Markdown file. */
export interface MarkdownImage {
  title: string
  href: string
}

export interface MarkdownImages {
  histograms: MarkdownImage[]
  sparsity?: MarkdownImage
  accuracy?: MarkdownImage
  exports?: MarkdownImage
  sensitivity?: MarkdownImage
}

const image = (img: MarkdownImage) => `![${escapeMarkdown(img.title)}](${encodeURI(img.href)})`

/** report.md: the summary, per-layer sparsity, links to the PNG plots, the steps and the config. */
export function renderMarkdownReport(input: ReportInput, images: MarkdownImages, title: string): string {
  const lines: string[] = [`# ${escapeMarkdown(title)}`, '']
  if (input.run) lines.push(`${escapeMarkdown(describeRun(input.run))}; ${input.seconds.toFixed(1)} s in all.`, '')
  if (input.interrupted) lines.push(`> **${escapeMarkdown(interruptedLine(input)!)}**`, '')
  lines.push('## Summary', '', ...(input.snapshots.length ? markdownTable(summaryTable(input.snapshots)) : ['No snapshots: add an `evaluate` step to the pipeline.']), '')
  if (images.accuracy) lines.push(image(images.accuracy), '')
  const layers = layerSparsityTable(input.snapshots)
  if (layers.rows.length) lines.push('## Per-layer sparsity', '', ...markdownTable(layers), '')
  const patterns = patternTable(input.snapshots)
  if (patterns.rows.length) lines.push(`## Pattern compliance (${patterns.pattern})`, '', ...markdownTable(patterns), '')
  if (images.sparsity) lines.push(image(images.sparsity), '')
  const exported = exportTable(input.snapshots)
  if (exported.rows.length) {
    lines.push('## Exported files', '', 'Each export read back from its files and evaluated on the test split; bytes are model.json plus its weights file.', '', ...markdownTable(exported), '')
    if (images.exports) lines.push(image(images.exports), '')
  }
  const allocation = allocationTable(input.snapshots)
  if (images.sensitivity || allocation) {
    lines.push('## Sensitivity', '', 'Each layer pruned alone at every level, the rest of the model as it was.', '')
    if (images.sensitivity) lines.push(image(images.sensitivity), '')
    if (allocation) lines.push(escapeMarkdown(allocation.note), '', ...markdownTable(allocation.table), '')
  }
  if (images.histograms.length) {
    lines.push(
      '## Weight histograms',
      '',
      'Each layer\'s weights at every stage, on bin edges shared by the stages, with counts on a log scale.',
      '',
      ...images.histograms.flatMap((img) => [image(img), '']),
    )
  }
  if (input.steps.length) {
    lines.push('## Pipeline', '', ...markdownTable({
      header: ['#', 'step', 'time', 'what it did'],
      numeric: [true, false, true, false],
      rows: input.steps.map((s) => [String(s.index + 1), s.name, `${s.seconds.toFixed(1)} s`, s.summary ?? '']),
    }), '')
  }
  if (input.run) lines.push('## Config', '', '```yaml', configYaml(input.run.config).trimEnd(), '```', '')
  return lines.join('\n')
}
