// Writes public/digits.csv: a slice of the real MNIST digits the `mnist` package ships (the first 100 of
// each digit, values exactly as shipped), 784 pixel columns and a label, for the playground's digits dataset.
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const perDigit = 100
const pixels = 784
const require = createRequire(import.meta.url)
const rows = []
for (let digit = 0; digit < 10; digit++) {
  const { data } = require(`mnist/src/digits/${digit}.json`)
  for (let i = 0; i < perDigit; i++) rows.push(`${data.slice(i * pixels, (i + 1) * pixels).join(',')},${digit}`)
}
const header = [...Array.from({ length: pixels }, (_, i) => `p${i}`), 'digit'].join(',')
const out = new URL('../public/digits.csv', import.meta.url)
mkdirSync(new URL('.', out), { recursive: true })
writeFileSync(out, `${header}\n${rows.join('\n')}\n`)
console.log(`wrote public/digits.csv: ${rows.length} real MNIST digits (${perDigit} of each)`)
