import type { Snapshot } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { configDiff, finalStage, flattenConfig } from './compare-page.js'

describe('config differences', () => {
  it('flattens configs to key paths, keeping pipeline steps by index', () => {
    expect([...flattenConfig({ seed: 1, model: { zoo: 'mlp', units: [8, 4] }, pipeline: [{ train: { epochs: 2 } }], plugins: [] })]).toEqual([
      ['seed', '1'],
      ['model.zoo', '"mlp"'],
      ['model.units.0', '8'],
      ['model.units.1', '4'],
      ['pipeline.0.train.epochs', '2'],
      ['plugins', '[]'],
    ])
  })

  it('lists only the keys that differ, a key one run lacks among them, and counts the rest', () => {
    const diff = configDiff([{ seed: 1, out: 'a', model: { zoo: 'mlp' } }, { seed: 2, out: 'a', model: { zoo: 'mlp', units: [4] } }])
    expect(diff.rows).toEqual([['seed', '1', '2'], ['model.units.0', '—', '4']])
    expect(diff.same).toBe(2)
  })
})

describe('finalStage', () => {
  it('is the last snapshot of the model: not an export read back, not a lottery ticket\'s control', () => {
    const s = (label: string, metrics: Snapshot['metrics'] = {}): Snapshot => ({ label, step: 0, metrics })
    const size = { raw: 10, gzip: 8, brotli: 7 }
    const exported = s('export-m', { export: { file: 'out/m/model.json', format: 'layers', dtype: 'float32', ...size, float32: size, layers: [] } })
    expect(finalStage([s('dense'), s('round-1'), s('round-1-reinit'), exported])?.label).toBe('round-1')
    expect(finalStage([s('dense'), s('round-1'), s('round-1-reinit')])?.label).toBe('round-1')
  })
})
