import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, tempDir } from './run-cli.js'
import { tinyConfig } from './tiny-config.js'

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const plots = ['weights-before.png', 'weights-pruned.png', 'weights-finetuned.png', 'sparsity.png', 'accuracy.png']

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path)
  expect(bytes.subarray(0, 8).equals(pngSignature), `${path} is a PNG`).toBe(true)
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

describe('reports of a run', () => {
  it('writes report.json, report.html and the PNG plots by default, and lists where they are', async () => {
    const dir = tempDir({ 'prunekit.yaml': tinyConfig({ reporters: null }) })
    const result = await cli(['run', 'prunekit.yaml'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const files = ['report.json', 'report.html', ...plots]
    expect(result.stdout).toContain(`Reports:\n${files.map((f) => `  out/${f}\n`).join('')}`)
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['.prunekit-outputs.json', ...files].sort())
    for (const plot of plots) {
      const { width, height } = pngSize(join(dir, 'out', plot))
      expect(width).toBe(1280) // 640-unit charts at the default scale of 2
      expect(height).toBeGreaterThan(600)
    }

    const html = readFileSync(join(dir, 'out/report.html'), 'utf8')
    // Self-contained: opens from disk with no network, no script, nothing to fetch.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=/i)
    expect(new Set(html.match(/https?:\/\/[^"\s<]*/g))).toEqual(new Set(['http://www.w3.org/2000/svg']))
    expect(html.match(/<svg /g)).toHaveLength(6) // 3 histograms, sparsity, accuracy, training curves
  })

  it('takes reporters from --reporter, separated by commas, and links the PNGs from report.md', async () => {
    const dir = tempDir({ 'prunekit.yaml': tinyConfig() })
    const result = await cli(['run', 'prunekit.yaml', '--reporter', 'png,markdown', '--quiet'], dir)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['.prunekit-outputs.json', ...plots, 'report.md'].sort())
    const markdown = readFileSync(join(dir, 'out/report.md'), 'utf8')
    const links = [...markdown.matchAll(/!\[([^\]]+)\]\(([^)]+)\)/g)].map((m) => m[2])
    expect(links.sort()).toEqual([...plots].sort())
    for (const link of links) expect(existsSync(join(dir, 'out', link))).toBe(true)
    expect(markdown).toMatch(/^\| stage \| loss \| accuracy \| sparsity \| nonzero params \| size \(dense\) \| size \(sparse\) \|$/m)
    expect(markdown).toMatch(/^\| After pruning \| \d\.\d{4} \| \d\.\d{4} \| 80\.00% \|/m)
    expect(markdown).toMatch(/^\| dense\\_1 \| Dense \| 784 × 32 \| 25,088 \| 0\.00% \| \d+\.\d\d% \| \d+\.\d\d% \|$/m)
  })

  it('rejects unknown reporter options with their path', async () => {
    const dir = tempDir({ 'prunekit.yaml': tinyConfig({ reporters: '[console, { png: { scale: 0, dpi: 300 } }, { html: { title: "" } }]' }) })
    const result = await cli(['validate', 'prunekit.yaml'], dir)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('reporters.1.png.scale: Too small: expected number to be >=0.5')
    expect(result.stderr).toContain('reporters.1.png: Unrecognized key: "dpi"')
    expect(result.stderr).toContain('reporters.2.html.title: Too small')
  })
})
