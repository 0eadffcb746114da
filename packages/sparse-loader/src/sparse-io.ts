import type { io } from '@tensorflow/tfjs-core'
import { expandSparse, SparseFormatError } from './expand.js'
import type { SparseModelJson } from './format.js'

/** A sparse export already in memory: model.json's parsed content and the data file's bytes. */
export interface SparseFiles {
  /** model.json, parsed. */
  modelJson: SparseModelJson
  /** The data file's bytes (a Node.js Buffer works). */
  data: Uint8Array | ArrayBuffer
}

/** How `sparseIO` fetches a URL. */
export interface SparseIOOptions {
  /** The fetch to use (default: the global fetch). */
  fetchFunc?: typeof fetch
  /** Passed to every fetch, for example for credentials or headers. */
  requestInit?: RequestInit
}

/**
 * An IOHandler that reads a prunekit sparse export and gives tfjs ordinary artifacts:
 * `tf.loadLayersModel(sparseIO('model/model.json'))`. From a URL, it fetches model.json, then the
 * data file it names, beside it; from memory (`{ modelJson, data }`, for example read with node:fs), it reads nothing.
 */
export function sparseIO(source: string | SparseFiles, options: SparseIOOptions = {}): io.IOHandler {
  return {
    async load() {
      if (typeof source != 'string') return expandSparse(source.modelJson, source.data instanceof Uint8Array ? source.data : new Uint8Array(source.data))
      const get = async (url: string) => {
        const response = await (options.fetchFunc ?? fetch)(url, options.requestInit)
        if (!response.ok) throw new SparseFormatError(url, `fetch failed with HTTP ${response.status}`)
        return response
      }
      let json: SparseModelJson
      try {
        json = await (await get(source)).json()
      } catch (cause) {
        throw cause instanceof SparseFormatError ? cause : new SparseFormatError(source, `is not JSON (${cause})`)
      }
      // The data file sits beside model.json; a name that leaves that directory is refused.
      const name = json?.data
      if (typeof name != 'string' || !/^[\w-][\w.-]*$/.test(name)) throw new SparseFormatError(source, `names a bad data file "${name}"`)
      const url = source.slice(0, source.lastIndexOf('/') + 1) + name
      return expandSparse(json, new Uint8Array(await (await get(url)).arrayBuffer()), source, url)
    },
  }
}
