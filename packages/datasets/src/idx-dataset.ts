import { DataError, defineDataset, type Dataset, type DatasetContext } from '@prunekit/core'
import { isNode } from '@prunekit/core/internal'
import { z } from 'zod'
import { idxImagesAndLabels, parseIdx } from './idx.js'
import { createDataset, gatherRows, oneHot, seededPermutation, type SplitArrays } from './split.js'

const filePair = z
  .object({
    images: z.string().min(1).describe('IDX file of images [count, rows, cols], gzipped or raw'),
    labels: z.string().min(1).describe('IDX file of labels [count], gzipped or raw'),
  })
  .strict()

const sizes = {
  train: z.number().int().min(1).optional().describe('Rows of the train file to train on (default: every row not held out for validation)'),
  validation: z.number().int().min(0).describe('Rows of the train file held out as the validation split (evaluate: { split: validation })'),
  test: z.number().int().min(1).optional().describe('Rows of the test file to test on (default: all)'),
  shape: z.enum(['flat', 'image']).default('flat').describe('flat: features [rows * cols]; image: features [rows, cols, 1] for convolutional models'),
}

export const idxOptions = z
  .object({
    dir: z.string().min(1).optional().describe('Directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each may end in .gz)'),
    trainFiles: filePair.optional().describe('The train images and labels files, instead of dir'),
    testFiles: filePair.optional().describe('The test images and labels files, instead of dir'),
    ...sizes,
    validation: sizes.validation.default(0),
    classes: z.number().int().min(2).optional().describe('Number of classes (default: the largest label + 1)'),
  })
  .strict()
  .refine((o) => o.dir !== undefined || (o.trainFiles !== undefined && o.testFiles !== undefined), {
    message: 'give dir (a folder of MNIST-format files), or both trainFiles and testFiles ({ images, labels })',
  })

export const fashionMnistDirectory = '/usr/share/datasets/fashion-mnist'

export const fashionMnistOptions = z
  .object({
    dir: z.string().min(1).default(fashionMnistDirectory).describe("Directory of the four Fashion-MNIST IDX files (default: Debian's dataset-fashion-mnist)"),
    ...sizes,
    validation: sizes.validation.default(5000),
  })
  .strict()

export type IdxOptions = z.output<typeof idxOptions>
export type FashionMnistOptions = z.output<typeof fashionMnistOptions>

/** Fashion-MNIST's ten classes, by label. */
export const fashionMnistClassNames = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const

const standardNames = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
}

type Part = 'train' | 'test'
type Files = Record<Part, { images: string; labels: string }>

interface IdxLoad {
  name: string
  files: Files | { dir: string }
  train?: number
  validation: number
  test?: number
  shape: 'flat' | 'image'
  classes?: number
  /** Appended to a missing-file error: how to get the files. */
  hint: string
}

async function locate(files: IdxLoad['files'], hint: string): Promise<Files> {
  if (!('dir' in files)) return files
  const { findInDir } = await import('#node-files')
  const found = {} as Files
  for (const part of ['train', 'test'] as const) {
    const images = await findInDir(files.dir, [standardNames[part].images, standardNames[part].images.replace('-idx3-', '.idx3-')])
    const labels = await findInDir(files.dir, [standardNames[part].labels, standardNames[part].labels.replace('-idx1-', '.idx1-')])
    if (!images || !labels) {
      const missing = !images ? standardNames[part].images : standardNames[part].labels
      throw new DataError(`${missing}[.gz] is not in ${files.dir}. ${hint}`)
    }
    found[part] = { images, labels }
  }
  return found
}

async function readPart(files: { images: string; labels: string }, hint: string) {
  const { readDataFile } = await import('#node-files')
  const [images, labels] = await Promise.all([readDataFile(files.images, hint), readDataFile(files.labels, hint)])
  return idxImagesAndLabels(parseIdx(images, files.images), parseIdx(labels, files.labels), files)
}

/** Reads MNIST-format files into a dataset whose images stay bytes on the host (uploaded as floats in [0, 1] per batch). */
export async function loadIdxDataset(load: IdxLoad, ctx: DatasetContext): Promise<Dataset> {
  if (!isNode) throw new DataError(`The ${load.name} dataset reads files with node:fs: in a browser, use the synthetic or iris dataset, or csv with inline text.`)
  const files = await locate(load.files, load.hint)
  const [train, test] = [await readPart(files.train, load.hint), await readPart(files.test, load.hint)]
  if (train.shape.join() !== test.shape.join()) {
    throw new DataError(`${files.train.images} holds images of shape [${train.shape.join(', ')}] but ${files.test.images} holds [${test.shape.join(', ')}]. Use train and test files of the same dataset.`)
  }
  const trainRows = load.train ?? train.count - load.validation
  if (load.validation + trainRows > train.count || trainRows < 1) {
    throw new DataError(
      `${load.name}: data.train (${trainRows}) + data.validation (${load.validation}) = ${trainRows + load.validation}, but ${files.train.images} holds ${train.count} images. Lower data.train or data.validation.`,
    )
  }
  const testRows = load.test ?? test.count
  if (testRows > test.count) throw new DataError(`${load.name}: data.test is ${testRows}, but ${files.test.images} holds ${test.count} images. Lower data.test.`)
  let maxLabel = 0
  for (const data of [train.labels, test.labels]) for (const label of data) maxLabel = Math.max(maxLabel, label)
  const classes = load.classes ?? maxLabel + 1
  if (maxLabel >= classes) throw new DataError(`${load.name}: a label is ${maxLabel}, but data.classes is ${classes}. Raise data.classes to at least ${maxLabel + 1}.`)
  const width = train.shape.reduce((a, b) => a * b, 1)
  const split = (part: typeof train, rows: ArrayLike<number>): SplitArrays => ({
    x: gatherRows(part.pixels, width, rows),
    y: oneHot(Array.from(rows, (row) => part.labels[row]), classes),
    size: rows.length,
  })
  const order = seededPermutation(train.count, ctx.seed)
  const testOrder = testRows === test.count ? Uint32Array.from({ length: test.count }, (_, i) => i) : seededPermutation(test.count, ctx.seed).subarray(0, testRows)
  return createDataset({
    name: load.name,
    task: 'multiclass',
    numClasses: classes,
    featureShape: load.shape === 'image' ? [...train.shape, 1] : [width],
    train: split(train, order.subarray(load.validation, load.validation + trainRows)),
    ...(load.validation > 0 ? { validation: split(train, order.subarray(0, load.validation)) } : {}),
    test: split(test, testOrder),
    byteScale: 1 / 255,
  })
}

/** Any dataset stored in the MNIST file format (IDX), gzipped or raw, from a directory or four paths. */
export const idxDataset = defineDataset<IdxOptions>({
  name: 'idx',
  description: 'Images and labels in the MNIST file format (IDX, gzipped or raw) from a directory or paths; bytes on the host, a seeded validation split',
  options: idxOptions,
  load: (o, ctx) =>
    loadIdxDataset(
      {
        name: 'idx',
        files: o.trainFiles && o.testFiles ? { train: o.trainFiles, test: o.testFiles } : { dir: o.dir! },
        ...o,
        hint: 'Point data.dir or data.trainFiles / data.testFiles at MNIST-format files.',
      },
      ctx,
    ),
})

/** Zalando's Fashion-MNIST: 60,000 train and 10,000 test images of clothing, 10 classes, from Debian's dataset-fashion-mnist. */
export const fashionMnistDataset = defineDataset<FashionMnistOptions>({
  name: 'fashion-mnist',
  description: "Fashion-MNIST (Debian's dataset-fashion-mnist, or a directory): 60,000 / 10,000 real images, 10 classes, a seeded validation split",
  options: fashionMnistOptions,
  load: (o, ctx) =>
    loadIdxDataset(
      {
        name: 'fashion-mnist',
        files: { dir: o.dir },
        ...o,
        classes: 10,
        hint:
          o.dir === fashionMnistDirectory
            ? "Install Debian's package with `sudo apt-get install dataset-fashion-mnist`, or set data.dir to a folder holding the four files."
            : 'Set data.dir to a folder holding the four Fashion-MNIST files, or drop data.dir to use Debian\'s dataset-fashion-mnist.',
      },
      ctx,
    ),
})
