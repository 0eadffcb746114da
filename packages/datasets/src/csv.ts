import { DataError, defineDataset } from '@prunekit/core'
import { isNode } from '@prunekit/core/internal'
import { z } from 'zod'
import { standardizeColumns } from './standardize.js'
import { createDataset, gatherRows, oneHot, seededPermutation, splitSizes } from './split.js'

export const csvOptions = z
  .object({
    path: z.string().min(1).optional().describe('The CSV file (relative to the config file), gzipped or plain'),
    text: z.string().min(1).optional().describe('The CSV itself, instead of path (e.g. in a browser)'),
    label: z.union([z.string().min(1), z.number().int()]).default(-1).describe('The label column: its header name, or its index (negative counts from the end; default: the last)'),
    header: z.enum(['auto', 'yes', 'no']).default('auto').describe('Whether the first row names the columns (auto: when its cells are not all numbers)'),
    delimiter: z.string().length(1).default(',').describe('The cell separator'),
    testFraction: z.number().gt(0).lt(1).default(0.2).describe('Fraction of rows held out for the test split'),
    validationFraction: z.number().min(0).lt(1).default(0).describe('Fraction of rows held out as the validation split'),
    standardize: z.boolean().default(true).describe('Z-score every feature column with the mean and standard deviation of the train split'),
  })
  .strict()
  .refine((o) => (o.path === undefined) !== (o.text === undefined), { message: 'give exactly one of path (a CSV file) or text (the CSV itself)' })

export type CsvOptions = z.output<typeof csvOptions>

/** A parsed CSV: numeric features row-major, class indices, and the class names in index order. */
export interface CsvTable {
  features: Float32Array
  width: number
  labels: number[]
  classNames: string[]
  columns: string[]
}

/**
 * Parses a numeric table with one label column. Labels that are all whole numbers are class indices;
 * otherwise each distinct label is a class, in sorted order. `source` names the table in errors.
 */
export function parseCsv(text: string, options: Pick<CsvOptions, 'label' | 'header' | 'delimiter'>, source: string): CsvTable {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line: i + 1, cells: line.split(options.delimiter).map((c) => c.trim()) }))
  const rows = lines.filter((r) => r.cells.some((c) => c !== ''))
  if (rows.length === 0) throw new DataError(`${source} is empty: expected rows of numbers with a label column.`)
  const numeric = (cell: string) => cell !== '' && Number.isFinite(Number(cell))
  const hasHeader = options.header === 'yes' || (options.header === 'auto' && !rows[0].cells.every(numeric))
  const width = rows[0].cells.length
  const columns = hasHeader ? rows[0].cells : rows[0].cells.map((_, i) => `column ${i + 1}`)
  const body = hasHeader ? rows.slice(1) : rows
  if (body.length < 2) throw new DataError(`${source} has ${body.length} data row(s): a train and a test split need at least 2.`)
  let labelAt: number
  if (typeof options.label === 'string') {
    labelAt = columns.indexOf(options.label)
    if (labelAt < 0) throw new DataError(`${source} has no column "${options.label}" (columns: ${columns.join(', ')}). Set data.label to one of them, or to a column index.`)
  } else {
    labelAt = options.label < 0 ? width + options.label : options.label
    if (labelAt < 0 || labelAt >= width) throw new DataError(`${source}: data.label ${options.label} is outside its ${width} columns. Use 0..${width - 1}, or -1 for the last.`)
  }
  const features = new Float32Array(body.length * (width - 1))
  const rawLabels: string[] = []
  body.forEach(({ line, cells }, r) => {
    if (cells.length !== width) throw new DataError(`${source} line ${line} has ${cells.length} cells, but the table has ${width} columns. Fix that line.`)
    let j = 0
    cells.forEach((cell, c) => {
      if (c === labelAt) return rawLabels.push(cell)
      if (!numeric(cell)) throw new DataError(`${source} line ${line}, column "${columns[c]}": "${cell}" is not a number. Every column but the label must be numeric.`)
      features[r * (width - 1) + j++] = Number(cell)
    })
  })
  const wholeNumbers = rawLabels.every((l) => /^\d+$/.test(l))
  const classNames = wholeNumbers
    ? Array.from({ length: Math.max(...rawLabels.map(Number)) + 1 }, (_, i) => String(i))
    : [...new Set(rawLabels)].sort()
  const labels = rawLabels.map((l) => (wholeNumbers ? Number(l) : classNames.indexOf(l)))
  if (classNames.length < 2) throw new DataError(`${source}: the label column "${columns[labelAt]}" holds a single class. A classifier needs at least 2.`)
  return { features, width: width - 1, labels, classNames, columns: columns.filter((_, c) => c !== labelAt) }
}

/** A numeric table with a label column, from a CSV file or inline text: a seeded train / validation / test split. */
export const csvDataset = defineDataset<CsvOptions>({
  name: 'csv',
  description: 'A numeric table with a label column (CSV file or inline text); seeded split, z-scored on train statistics',
  options: csvOptions,
  async load(options, ctx) {
    let text = options.text
    const source = options.path ?? 'data.text'
    if (options.path !== undefined) {
      if (!isNode) throw new DataError('The csv dataset reads data.path with node:fs: in a browser, pass the table as data.text.')
      const { readTextFile } = await import('#node-files')
      text = await readTextFile(options.path, 'Set data.path to a CSV file (relative to the config file).')
    }
    const table = parseCsv(text!, options, source)
    const n = table.labels.length
    const { test } = splitSizes(`csv ${source}`, n, options.testFraction)
    const validation = Math.round(n * options.validationFraction)
    if (n - test - validation < 1) throw new DataError(`csv ${source}: testFraction and validationFraction leave no train rows of ${n}. Lower them.`)
    const order = seededPermutation(n, ctx.seed)
    const parts = { test: order.subarray(0, test), validation: order.subarray(test, test + validation), train: order.subarray(test + validation) }
    const x = (rows: Uint32Array) => gatherRows(table.features, table.width, rows)
    const [train, valid, held] = [x(parts.train), x(parts.validation), x(parts.test)]
    if (options.standardize) standardizeColumns(train, table.width, [valid, held])
    const k = table.classNames.length
    const y = (rows: Uint32Array) => oneHot(Array.from(rows, (r) => table.labels[r]), k)
    return createDataset({
      name: 'csv',
      task: 'multiclass',
      numClasses: k,
      featureShape: [table.width],
      train: { x: train, y: y(parts.train), size: parts.train.length },
      ...(validation > 0 ? { validation: { x: valid, y: y(parts.validation), size: validation } } : {}),
      test: { x: held, y: y(parts.test), size: test },
    })
  },
})
