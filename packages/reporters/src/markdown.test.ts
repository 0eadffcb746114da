import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { escapeMarkdown, renderMarkdownReport } from './markdown-page.js'
import { markdownReporter } from './markdown.js'
import { fixtureRun, fixtureSnapshots, fixtureSteps } from './snapshots.fixture.js'

describe('renderMarkdownReport', () => {
  it('writes GitHub tables with numbers right-aligned, the images, the steps and the config', () => {
    const text = renderMarkdownReport(
      { run: fixtureRun, snapshots: fixtureSnapshots, steps: fixtureSteps, seconds: 2 },
      { histograms: [{ title: 'Weights: Before pruning', href: 'plots/weights-before.png' }], sparsity: { title: 'Per-layer sparsity', href: 'sparsity.png' } },
      'prunekit report',
    )
    expect(text).toContain(
      [
        '| stage | loss | accuracy | sparsity | nonzero params | size (dense) | size (sparse) |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        '| Before pruning | 0.2500 | 0.9000 | 0.00% | 37 of 37 | 148 B | 296 B |',
      ].join('\n'),
    )
    expect(text).toContain('| dense\\_1 | Dense | 4 × 5 | 20 | 0.00% | 80.00% | 80.00% |')
    expect(text).toContain('![Weights: Before pruning](plots/weights-before.png)')
    expect(text).toContain('![Per-layer sparsity](sparsity.png)')
    expect(text).not.toContain('accuracy.png')
    expect(text).toContain('```yaml\nseed: 1\n')
  })

  it.each([
    ['a|b', 'a\\|b'],
    ['dense_1', 'dense\\_1'],
    ['<img src=x>', '\\<img src=x\\>'],
    ['[x](http://y)', '\\[x\\](http://y)'],
    ['two\nlines', 'two lines'],
  ])('escapes %j in a cell as %j', (raw, escaped) => {
    expect(escapeMarkdown(raw)).toBe(escaped)
  })
})

describe('markdown reporter', () => {
  it('links only the PNGs written in this run, relative to report.md', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prunekit-md-'))
    const reporter = markdownReporter.create(markdownReporter.options.parse({ file: 'docs/report.md' }), { out, quiet: true })
    await reporter.onRunStart?.(fixtureRun)
    const files = [join(out, 'weights-before.png'), join(out, 'sparsity.png')]
    const written = await reporter.onRunEnd?.({ snapshots: fixtureSnapshots, steps: fixtureSteps, seconds: 1, out, files })
    expect(written).toEqual([join(out, 'docs/report.md')])
    const text = readFileSync(join(out, 'docs/report.md'), 'utf8')
    expect(text.match(/!\[[^\]]*\]\([^)]*\)/g)).toEqual(['![Per-layer sparsity: After pruning, After fine-tuning](../sparsity.png)', '![Weights: Before pruning](../weights-before.png)'])
  })
})
