// What bundlers load for node-files.ts under the "browser" condition: no node:fs or node:zlib in the bundle.
import { DataError } from '@prunekit/core'

const noFiles = (file: string): DataError =>
  new DataError(`${file}: a browser has no file system. Use the csv dataset with data.text, or the synthetic or iris dataset.`)

export async function readDataFile(file: string): Promise<Uint8Array> {
  throw noFiles(file)
}

export async function findInDir(dir: string): Promise<string | undefined> {
  throw noFiles(dir)
}

export async function readTextFile(file: string): Promise<string> {
  throw noFiles(file)
}
