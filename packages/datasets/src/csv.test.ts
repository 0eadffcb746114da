import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { loadDataset } from '@prunekit/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { csvDataset, parseCsv } from './csv.js'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const options = { label: -1, header: 'auto', delimiter: ',' } as const

describe('parseCsv', () => {
  it('reads a header, numeric features and string labels as sorted classes', () => {
    const table = parseCsv('a,b,kind\n1,2,dog\n3,4.5,cat\n\n-1,0,dog\n', options, 't.csv')
    expect(table.columns).toEqual(['a', 'b'])
    expect(Array.from(table.features)).toEqual([1, 2, 3, 4.5, -1, 0])
    expect(table.classNames).toEqual(['cat', 'dog'])
    expect(table.labels).toEqual([1, 0, 1])
  })

  it('takes whole-number labels as class indices, from a named or indexed column, without a header', () => {
    expect(parseCsv('2,0.5\n0,1.5\n', { ...options, label: 0 }, 't.csv')).toMatchObject({ labels: [2, 0], classNames: ['0', '1', '2'] })
    expect(parseCsv('y;x\n1;7\n0;8\n', { ...options, label: 'y', delimiter: ';' }, 't.csv')).toMatchObject({ labels: [1, 0], columns: ['x'] })
  })

  it.each([
    ['a text cell', 'a,b,y\n1,2,0\n1,two,1\n', /t\.csv line 3, column "b": "two" is not a number/],
    ['a short line', 'a,b,y\n1,2,0\n1,1\n', /t\.csv line 3 has 2 cells, but the table has 3 columns/],
    ['an unknown label column', 'a,b,y\n1,2,0\n1,1,1\n', /t\.csv has no column "kind" \(columns: a, b, y\)/],
    ['one class', 'a,y\n1,0\n2,0\n', /holds a single class/],
    ['an empty file', '\n\n', /t\.csv is empty/],
  ])('refuses %s, naming the place', (name, text, message) => {
    expect(() => parseCsv(text, { ...options, label: name === 'an unknown label column' ? 'kind' : -1 }, 't.csv')).toThrow(message)
  })
})

describe('csv dataset', () => {
  it('splits a file seeded into train, validation and test, z-scored on train', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-csv-'))
    try {
      const rows = Array.from({ length: 50 }, (_, i) => `${i},${i * 2 + 1},${i % 2 ? 'odd' : 'even'}`)
      writeFileSync(join(dir, 'table.csv'), `n,m,parity\n${rows.join('\n')}\n`)
      const data = await loadDataset(csvDataset, { path: join(dir, 'table.csv'), validationFraction: 0.2 }, 3)
      expect([data.train.size, data.validation?.size, data.test.size]).toEqual([30, 10, 10])
      expect(data.numClasses).toBe(2)
      const x = (await data.train.x.array()) as number[][]
      const mean = x.reduce((a, r) => a + r[0], 0) / x.length
      expect(mean).toBeCloseTo(0, 5)
      data.dispose()
      await expect(loadDataset(csvDataset, { path: join(dir, 'missing.csv') })).rejects.toThrow(/cannot read .*missing\.csv: no such file\. Set data\.path/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads inline text, as a browser would pass it', async () => {
    const data = await loadDataset(csvDataset, { text: '1,0\n2,1\n3,0\n4,1\n5,0\n', testFraction: 0.4, standardize: false })
    expect([data.train.size, data.test.size]).toEqual([3, 2])
    data.dispose()
  })
})
