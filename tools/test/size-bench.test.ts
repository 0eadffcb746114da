import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sizeBench } from '../src/bench/size.js'

const fileBytes = (dir: string, data: string) => statSync(join(dir, 'model.json')).size + statSync(join(dir, data)).size

describe('the size bench suite', () => {
  it('exports every variant, reloads and evaluates it, with ratios from the files written and the targets (run small)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-size-bench-test-'))
    const lines: string[] = []
    const suite = sizeBench({ train: 256, test: 128, epochs: 1, finetuneEpochs: 1, cnnEpochs: 1, cnnFinetuneEpochs: 1, dir })
    const rows = await suite.run((line) => lines.push(line))
    expect(rows.map((r) => `${r.model}: ${r.variant}`)).toEqual([
      'lenet-300-100: float32',
      'lenet-300-100: uint16',
      'lenet-300-100: float16',
      'lenet-300-100: uint8',
      'lenet-300-100: sparse float32',
      'lenet-300-100: sparse uint8',
      'cnn-small: float32',
      'cnn-small 50% filters: float32',
      'cnn-small 50% filters: uint8',
    ])
    // Sizes are the files on disk; ratios divide the dense float32 files by them.
    const denseRaw = fileBytes(join(dir, 'lenet-300-100-float32'), 'weights.bin')
    expect(rows[0]).toMatchObject({ rawBytes: denseRaw, rawRatio: 1, pointsLost: 0, worstLayerError: 0, gzipTarget: '', accuracyTarget: '' })
    expect(rows[3].rawBytes).toBe(fileBytes(join(dir, 'lenet-300-100-uint8'), 'weights.bin'))
    expect(rows[3].rawRatio).toBe(Number((denseRaw / (rows[3].rawBytes as number)).toFixed(2)))
    expect(rows[3].gzipRatio).toBe(Number((denseRaw / (rows[3].gzipBytes as number)).toFixed(2)))
    expect(rows[5].rawBytes).toBe(fileBytes(join(dir, 'lenet-300-100-sparse-uint8'), 'weights.sparse.bin'))
    expect(rows[5].gzipRatio as number).toBeGreaterThan(rows[3].gzipRatio as number)
    expect(rows[3].gzipTarget).toMatch(/^>= 12x: (met|missed)$/)
    expect(rows[1].accuracyTarget).toMatch(/^<= 0.05 pts: (met|missed)$/)
    expect(rows[3].worstLayerError as number).toBeGreaterThan(0)
    // The structured cnn is compared with the unpruned cnn's float32 files.
    const cnnRaw = fileBytes(join(dir, 'cnn-small-float32'), 'weights.bin')
    expect(rows[8].rawRatio).toBe(Number((cnnRaw / (rows[8].rawBytes as number)).toFixed(2)))
    expect(rows[7].rawBytes as number).toBeLessThan(cnnRaw / 2)
    expect(rows[8]).toMatchObject({ gzipTarget: '', accuracyTarget: '' })
    for (const row of rows) expect(row.accuracy as number).toBeGreaterThan(0.1)
    expect(lines).toHaveLength(9)
  })
})
