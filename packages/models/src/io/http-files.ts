import { ModelError } from '@prunekit/core'
import type { ShardRead, ShardReader } from './load-limits.js'

/** Fetches `url`, reading at most `limit` bytes of its body: a declared or streamed excess stops the read. */
async function fetchBounded(url: string, limit: number, what: string): Promise<ShardRead> {
  const response = await fetch(url).catch((cause: Error) => {
    throw new ModelError(`${what} ${url} cannot be fetched (${cause.message}). Check the URL and the network.`, { cause })
  })
  if (!response.ok) throw new ModelError(`${what} ${url} answered HTTP ${response.status} ${response.statusText}. Check the URL.`)
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > limit) {
    await response.body?.cancel()
    return { bytes: new Uint8Array(0), size: declared }
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body?.getReader()
  for (let next = await reader?.read(); reader && next && !next.done; next = await reader.read()) {
    size += next.value.byteLength
    if (size > limit) {
      await reader.cancel()
      return { bytes: new Uint8Array(0), size, atLeast: true }
    }
    chunks.push(next.value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return { bytes, size }
}

/** model.json fetched from `url`, at most `limit` bytes, parsed. */
export async function fetchModelJson(url: string, limit: number): Promise<unknown> {
  const { bytes, size, atLeast } = await fetchBounded(url, limit, 'The model file')
  if (size > limit) throw new ModelError(`${url} is ${atLeast ? 'more than ' : ''}${size} bytes; a model.json holds no weights and is at most ${limit}. Check that the URL is the model's model.json.`)
  try {
    return JSON.parse(new TextDecoder().decode(bytes))
  } catch (cause) {
    throw new ModelError(`${url} is not valid JSON: ${(cause as Error).message}.`, { cause })
  }
}

/** Fetches the shards model.json names, refusing any URL outside model.json's own directory. */
export function urlShardReader(modelUrl: string): ShardReader {
  const base = new URL('.', modelUrl)
  return async (path, limit) => {
    const url = new URL(path, base)
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw new ModelError(`${modelUrl} lists the weight shard ${path}, which resolves to ${url.href}, outside the model's directory ${base.href}. Shards must sit beside model.json.`)
    }
    return fetchBounded(url.href, limit, `${modelUrl} lists the weight shard ${path}, but`)
  }
}

