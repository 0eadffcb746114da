import { describe, expect, it } from 'vitest'
import { stageSlug, uniqueStageSlugs } from './stages.js'

describe('stage file names', () => {
  it.each([
    ['baseline', 'before'],
    ['pruned', 'pruned'],
    ['finetuned', 'finetuned'],
    ['Round 2 (AGP)', 'round-2-agp'],
    ['Ärger über Gewichte', 'arger-uber-gewichte'],
    ['../../etc/passwd', 'etc-passwd'],
    ['***', 'stage'],
  ])('names the stage %j %j', (label, slug) => {
    expect(stageSlug(label)).toBe(slug)
  })

  it('numbers repeated labels so no file overwrites another', () => {
    expect(uniqueStageSlugs(['pruned', 'pruned', 'Pruned!', 'baseline'])).toEqual(['pruned', 'pruned-2', 'pruned-3', 'before'])
  })
})
