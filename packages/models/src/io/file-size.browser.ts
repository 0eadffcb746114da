// What bundlers load for file-size.ts under the "browser" condition: no node:zlib in the bundle.
import { ModelError } from '@prunekit/core'
import type { FileSize } from './sizes.js'

export function fileSize(): FileSize {
  throw new ModelError('Measuring gzip and brotli bytes needs node:zlib (Node.js); in a browser, the size metric reports the raw bytes.')
}
