import { describe, expect, it } from 'vitest'
import { trialProgress } from './progress.js'

function sink(isTTY: boolean) {
  let text = ''
  return { write: (s: string) => (text += s), isTTY, text: () => text }
}

describe('trialProgress', () => {
  it('draws a bar of trials on a terminal, with the last finished trial', () => {
    const out = sink(true)
    const progress = trialProgress(3, out)
    progress.done('t02 (seed=2): accuracy 0.9100')
    progress.done('t01 (seed=1): accuracy 0.9000')
    progress.stop()
    // The bar redraws one line from its first column: the last drawing is what the terminal shows.
    const drawings = out.text().split('\x1b[1G').map((d) => d.replace(/\x1b(\[[?\d;]*[A-Za-z]|[78])/g, '').trimEnd()).filter((d) => d.startsWith('trials'))
    expect(drawings[0]).toMatch(/^trials ░+ 0\/3 \|$/)
    expect(drawings.at(-1)).toMatch(/^trials █+░+ 2\/3 \| t01 \(seed=1\): accuracy 0\.9000$/)
  })

  it('writes a numbered line per finished trial elsewhere, and nothing without a sink', () => {
    const out = sink(false)
    const progress = trialProgress(2, out)
    progress.done('t01: accuracy 0.9')
    progress.done('t02: accuracy 0.8')
    progress.stop()
    expect(out.text()).toBe('[1/2] t01: accuracy 0.9\n[2/2] t02: accuracy 0.8\n')
    expect(() => trialProgress(2, undefined).done('t01')).not.toThrow()
  })
})
