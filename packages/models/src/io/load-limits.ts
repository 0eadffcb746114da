import type * as tf from '@tensorflow/tfjs-core'
import { ModelError } from '@prunekit/core'
import { defaultMaxModelBytes } from '@prunekit/core/internal'
import { weightBytes } from './model-json.js'

/** Bounds and checks for loading a model from files or URLs that may be hostile. */
export interface LoadOptions {
  /** The most weight bytes a model may declare, checked before any shard is read (default: 1 GiB). */
  maxBytes?: number
  /** Accept NaN and Infinity weights (default false: they are refused, naming the weight). */
  allowNonFinite?: boolean
}

export const defaultMaxBytes = defaultMaxModelBytes
/** model.json holds the topology and manifest only; 64 MiB is far above any real one. */
export const maxModelJsonBytes = 64 * 2 ** 20

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`

/** Checks each weight's name, shape and dtype, naming the weight; returns its bytes. */
function checkedBytes(entry: tf.io.WeightsManifestEntry, where: string): number {
  const name = typeof entry?.name === 'string' ? entry.name : undefined
  if (!name) throw new ModelError(`${where} lists a weight without a name. Re-export the model.`)
  const { shape } = entry
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelError(`${where}: weight "${name}" has the shape ${JSON.stringify(shape)}; a shape is a list of whole numbers >= 0. Re-export the model.`)
  }
  const bytes = weightBytes(entry)
  if (!Number.isSafeInteger(bytes)) throw new ModelError(`${where}: weight "${name}" of shape [${shape.join(', ')}] is too large to address. Re-export the model.`)
  return bytes
}

/** Bytes each manifest group needs, every weight checked, and the total held to `maxBytes`, before anything is read. */
export function manifestBytes(manifest: tf.io.WeightsManifestConfig, file: string, maxBytes = defaultMaxBytes): number[] {
  const groups = manifest.map((group) => group.weights.reduce((n, w) => n + checkedBytes(w, file), 0))
  const total = groups.reduce((a, b) => a + b, 0)
  if (total > maxBytes) {
    throw new ModelError(
      `${file} declares ${total} bytes of weights (${mib(total)}), more than the limit of ${maxBytes} (${mib(maxBytes)}). ` +
        'If the model really is that large, raise maxBytes (in a config: model: { path, maxBytes }).',
    )
  }
  for (const [i, group] of manifest.entries()) {
    for (const path of group.paths) {
      if (typeof path !== 'string' || path === '' || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/') || path.startsWith('\\')) {
        throw new ModelError(`${file}: weightsManifest[${i}] lists the shard ${JSON.stringify(path)}; a shard is a path relative to model.json, inside its directory.`)
      }
    }
  }
  return groups
}

/** One shard's bytes as read: at most the limit asked for, and the file's full size when known. */
export interface ShardRead {
  bytes: Uint8Array
  /** The shard's size; more than `bytes.length` when it is larger than allowed. */
  size: number
  /** True when the size is a lower bound (a response of unknown length that ran past the limit). */
  atLeast?: boolean
}

/** Reads a shard (a path relative to model.json), at most `limit` bytes; reports its real size when larger. */
export type ShardReader = (path: string, limit: number) => Promise<ShardRead>

/** Reads every manifest group's shards through `read`, each up to exactly the bytes the manifest declares. */
export async function readShards(manifest: tf.io.WeightsManifestConfig, file: string, needs: number[], read: ShardReader): Promise<ArrayBuffer[]> {
  const buffers: ArrayBuffer[] = []
  for (const [i, group] of manifest.entries()) {
    let have = 0
    const sizes: string[] = []
    for (const path of group.paths) {
      const shard = await read(path, Math.max(0, needs[i] - have))
      have += shard.size
      sizes.push(`${path}: ${shard.atLeast ? 'more than ' : ''}${shard.size}`)
      if (have > needs[i]) {
        throw new ModelError(
          `Weight shards next to ${file} hold ${shard.atLeast ? 'more than ' : ''}${have} bytes (${sizes.join(', ')}${group.paths.length > sizes.length ? ', ...' : ''}), ` +
            `but its weightsManifest[${i}] needs ${needs[i]}. A shard has extra bytes or belongs to another model: re-download or re-export it.`,
        )
      }
      buffers.push(shard.bytes.buffer.slice(shard.bytes.byteOffset, shard.bytes.byteOffset + shard.bytes.byteLength) as ArrayBuffer)
    }
    if (have < needs[i]) {
      throw new ModelError(`Weight shards ${group.paths.join(', ')} next to ${file} hold ${have} bytes, but its weightsManifest needs ${needs[i]}. A shard is truncated or belongs to another model: re-download or re-export it.`)
    }
  }
  return buffers
}
