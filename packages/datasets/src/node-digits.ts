// Node.js only: mnist-digits.ts imports this file dynamically, so browser bundles never load node:fs.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

/** The text of a file in an installed package, e.g. `mnist/src/digits/0.json`. */
export async function readPackageFile(file: string): Promise<string> {
  return readFile(createRequire(import.meta.url).resolve(file), 'utf8')
}
