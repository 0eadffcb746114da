import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { FileSize } from './sizes.js'

/** Raw, gzip (level 9) and brotli (quality 11) bytes of one file. Node.js only: sizes.ts imports it on call. */
export function fileSize(bytes: Uint8Array): FileSize {
  return {
    raw: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } }).byteLength,
  }
}
