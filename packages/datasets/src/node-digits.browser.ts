// What bundlers load for node-digits.ts under the "browser" condition: no node:fs in the bundle.
import { DataError } from '@prunekit/core'

export async function readPackageFile(file: string): Promise<string> {
  throw new DataError(`The mnist dataset reads ${file} with node:fs, which a browser does not have.`)
}
